//! The generated accessors on a decoded response and on structures built by hand: what each kind of member
//! gives back when present and when absent.
#![cfg(feature = "idp")]

use cognito::idp::operation::{AdminGetUserInput, AdminGetUserOutput};
use cognito::idp::types::{AttributeType, MfaOptionType, UserStatusType};
use cognito::operation::Operation;
use cognito::DateTime;

const BODY: &[u8] = br#"{
    "Username": "alice",
    "UserAttributes": [{"Name": "email", "Value": "alice@example.com"}, {"Name": "sub"}],
    "UserCreateDate": 1700000000,
    "Enabled": true,
    "UserStatus": "CONFIRMED",
    "MFAOptions": [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}],
    "UserMFASettingList": ["SMS_MFA"]
}"#;

#[test]
fn a_decoded_output_reads_through_its_accessors() {
    let out = <AdminGetUserInput as Operation>::decode(BODY).expect("decodes");
    // A required string as `&str`, lists as slices, numbers and timestamps by copy, enums by reference.
    assert_eq!(out.username(), "alice");
    let attributes: Vec<(&str, Option<&str>)> = out
        .user_attributes()
        .iter()
        .map(|a| (a.name(), a.value()))
        .collect();
    assert_eq!(
        attributes,
        [("email", Some("alice@example.com")), ("sub", None)]
    );
    assert_eq!(
        out.user_create_date(),
        Some(DateTime::from_secs(1_700_000_000))
    );
    assert_eq!(out.enabled(), Some(true));
    assert_eq!(out.user_status(), Some(&UserStatusType::Confirmed));
    assert_eq!(out.user_mfa_setting_list(), ["SMS_MFA"]);
    // The renamed type (model name `MFAOptionType`) decodes from its wire names.
    let mfa: &[MfaOptionType] = out.mfa_options();
    assert_eq!(mfa[0].attribute_name(), Some("phone_number"));
    assert_eq!(mfa[0].delivery_medium().map(|m| m.as_str()), Some("SMS"));
    // The accessors read the public fields, which stay.
    assert_eq!(out.username.as_deref(), Some(out.username()));
}

#[test]
fn absent_members_read_as_empty_or_none() {
    let out = AdminGetUserOutput::default();
    assert_eq!(out.username(), "");
    assert!(out.user_attributes().is_empty());
    assert!(out.mfa_options().is_empty());
    assert_eq!(out.enabled(), None);
    assert_eq!(out.user_status(), None);
    assert_eq!(out.preferred_mfa_setting(), None);
    let attribute = AttributeType::default();
    assert_eq!(attribute.name(), "");
    assert_eq!(attribute.value(), None);
    // An input's required members stay `Option`: it may still be being built.
    let input = AdminGetUserInput {
        user_pool_id: Some("us-east-1_pool".to_owned()),
        ..Default::default()
    };
    assert_eq!(input.user_pool_id(), Some("us-east-1_pool"));
    assert_eq!(input.username(), None);
}
