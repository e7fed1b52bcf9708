//! AWS credentials from an identity pool, as an `aws_credential_types` credentials provider.
