"""The engine's adapters: DynamoDB, Step Functions, S3, SES, STS, behind small interfaces."""
