# One role per function, each allowed to write its own log group and nothing else. Neither function calls another
# AWS API: the subscription function receives log events pushed by CloudWatch Logs (a resource policy on the
# function, below), and both reach PostgreSQL over the network, not through IAM.

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
}

resource "aws_iam_role" "fn" {
  for_each             = local.functions
  name                 = "${each.value.name}-role"
  assume_role_policy   = data.aws_iam_policy_document.assume_lambda.json
  max_session_duration = 3600
  tags                 = var.tags
}

data "aws_iam_policy_document" "logs" {
  for_each = local.functions
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn[each.key].arn}:*"]
  }
}

resource "aws_iam_role_policy" "logs" {
  for_each = local.functions
  name     = "write-own-logs"
  role     = aws_iam_role.fn[each.key].id
  policy   = data.aws_iam_policy_document.logs[each.key].json
}

# In a VPC, Lambda manages the functions' network interfaces through the role (the AWS-managed policy for it).
resource "aws_iam_role_policy_attachment" "vpc" {
  for_each   = local.in_vpc ? local.functions : {}
  role       = aws_iam_role.fn[each.key].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

# With a customer-managed key, the roles must be able to decrypt their environment.
data "aws_iam_policy_document" "kms" {
  count = var.kms_key_arn == null ? 0 : 1
  statement {
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "kms" {
  for_each = var.kms_key_arn == null ? {} : local.functions
  name     = "decrypt-environment"
  role     = aws_iam_role.fn[each.key].id
  policy   = data.aws_iam_policy_document.kms[0].json
}
