variable "name_prefix" {
  description = "Prefix of every resource name."
  type        = string
  default     = "vigil"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name_prefix))
    error_message = "name_prefix must be 2-31 lowercase letters, digits or '-', starting with a letter."
  }
}

variable "artefact_dir" {
  description = "Directory holding vigil-api.zip and vigil-logs-subscription.zip (from packaging/lambda/build.ts)."
  type        = string
  default     = "../../../dist/packages/lambda"
}

variable "lambda_runtime" {
  description = "Lambda runtime. nodejs24.x is the Node major the project pins and tests on; it needs AWS provider >= 6.19 (older providers' runtime list predates it and rejects it at plan time). nodejs22.x is the fallback for 5.x providers."
  type        = string
  default     = "nodejs24.x"
  validation {
    condition     = contains(["nodejs24.x", "nodejs22.x"], var.lambda_runtime)
    error_message = "lambda_runtime must be nodejs24.x or nodejs22.x."
  }
}

variable "database_url" {
  description = "postgres:// URL of the control plane's database (RDS/Aurora). Both functions store into it."
  type        = string
  sensitive   = true
  validation {
    condition     = can(regex("^postgres(ql)?://", var.database_url))
    error_message = "database_url must be a postgres:// or postgresql:// URL."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key that encrypts the functions' environment (DATABASE_URL); null = the AWS-managed key."
  type        = string
  default     = null
}

variable "subnet_ids" {
  description = "Private subnets that reach the database. Empty = the functions run outside a VPC."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security groups of the functions' network interfaces (egress to the database on 5432 only)."
  type        = list(string)
  default     = []
}

variable "subscribed_log_groups" {
  description = "CloudWatch Logs groups to stream into the subscription function, by group name: the log format (lambda, s3, vpc, cloudtrail) and the subscription filter pattern (\"\" = every event)."
  type = map(object({
    format         = string
    filter_pattern = optional(string, "")
  }))
  default = {}
  validation {
    condition     = alltrue([for g in values(var.subscribed_log_groups) : contains(["lambda", "s3", "vpc", "cloudtrail"], g.format)])
    error_message = "Each subscribed_log_groups format must be one of lambda, s3, vpc, cloudtrail."
  }
}

variable "subscription_max_concurrency" {
  description = "Reserved concurrency of the subscription function: bounds the database connections it can open (2 each)."
  type        = number
  default     = 20
}

variable "api_throttle" {
  description = "HTTP API default route throttling."
  type = object({
    burst_limit = number
    rate_limit  = number
  })
  default = { burst_limit = 200, rate_limit = 100 }
}

variable "log_retention_days" {
  description = "Retention of the functions' and the API's own log groups."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
