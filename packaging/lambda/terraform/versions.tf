terraform {
  required_version = ">= 1.5"
  required_providers {
    # >= 6.19 for the default nodejs24.x runtime; 5.x works with lambda_runtime = "nodejs22.x".
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 7.0"
    }
  }
}
