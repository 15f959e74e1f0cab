# The control plane's serverless path: the CloudWatch Logs subscription function and the HTTP API function.
# Artefacts: `npx tsx packaging/lambda/build.ts` (or `npm run package`) writes the two zips into artefact_dir.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.name
  partition = data.aws_partition.current.partition
  in_vpc    = length(var.subnet_ids) > 0

  functions = {
    api = {
      name        = "${var.name_prefix}-api"
      zip         = "${var.artefact_dir}/vigil-api.zip"
      handler     = "control-plane/src/lambda/api.handler"
      memory      = 1024
      timeout     = 29 # API Gateway's integration timeout
      concurrency = -1
      environment = {
        DATABASE_URL      = var.database_url
        VIGIL_TRUST_PROXY = "true" # the client address comes from API Gateway's X-Forwarded-For
        VIGIL_LOG_LEVEL   = "info"
      }
    }
    subscription = {
      name        = "${var.name_prefix}-logs-subscription"
      zip         = "${var.artefact_dir}/vigil-logs-subscription.zip"
      handler     = "control-plane/src/lambda/subscription.handler"
      memory      = 1024
      timeout     = 120
      concurrency = var.subscription_max_concurrency
      environment = {
        DATABASE_URL        = var.database_url
        VIGIL_GROUP_FORMATS = jsonencode([for name, g in var.subscribed_log_groups : { pattern = name, format = g.format }])
      }
    }
  }
}

# The functions' own log groups, created here so retention is set and the role can be scoped to them.
resource "aws_cloudwatch_log_group" "fn" {
  for_each          = local.functions
  name              = "/aws/lambda/${each.value.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "fn" {
  for_each                       = local.functions
  function_name                  = each.value.name
  role                           = aws_iam_role.fn[each.key].arn
  runtime                        = var.lambda_runtime
  architectures                  = ["x86_64"]
  handler                        = each.value.handler
  filename                       = each.value.zip
  source_code_hash               = filebase64sha256(each.value.zip)
  memory_size                    = each.value.memory
  timeout                        = each.value.timeout
  reserved_concurrent_executions = each.value.concurrency
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = each.value.environment
  }

  dynamic "vpc_config" {
    for_each = local.in_vpc ? [1] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.fn[each.key].name
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.logs, aws_iam_role_policy_attachment.vpc]
}
