//! Verification of the JWTs Cognito user pools issue (feature `jwt`).
