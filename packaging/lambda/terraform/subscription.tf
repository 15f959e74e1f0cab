# CloudWatch Logs pushes each subscribed group's events to the subscription function.

resource "aws_lambda_permission" "logs" {
  for_each       = var.subscribed_log_groups
  statement_id   = "logs-${substr(sha256(each.key), 0, 16)}"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.fn["subscription"].function_name
  principal      = "logs.amazonaws.com"
  source_arn     = "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:${each.key}:*"
  source_account = local.account
}

resource "aws_cloudwatch_log_subscription_filter" "to_vigil" {
  for_each        = var.subscribed_log_groups
  name            = "${var.name_prefix}-subscription"
  log_group_name  = each.key
  filter_pattern  = each.value.filter_pattern
  destination_arn = aws_lambda_function.fn["subscription"].arn
  distribution    = "ByLogStream" # one stream's events stay in order within a delivery
  depends_on      = [aws_lambda_permission.logs]
}
