//! Auth tooling every Cognito user otherwise writes by hand: `SECRET_HASH`, SRP, typed challenge flows and
//! tokens.
