output "api_endpoint" {
  description = "Base URL of the control plane's HTTP API."
  value       = aws_apigatewayv2_api.api.api_endpoint
}

output "function_arns" {
  description = "ARNs of the API and subscription functions."
  value       = { for k, f in aws_lambda_function.fn : k => f.arn }
}

output "subscription_filters" {
  description = "Log groups streaming into the subscription function."
  value       = keys(aws_cloudwatch_log_subscription_filter.to_vigil)
}
