//! cognito
