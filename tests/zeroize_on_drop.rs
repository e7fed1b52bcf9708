//! The secrets the crate holds are wiped before their memory is freed.
//!
//! This test binary's global allocator looks into every block freed while a check is armed (and into
//! the old block of every `realloc`, which it always moves) for a marker the check planted in a secret:
//! a client secret, a device password, tokens, login tokens, SRP's private value. The marker must not
//! be found: the value was overwritten before it was freed. (Values that are moved around by copy on
//! the stack are out of this test's sight, and so are copies a caller makes.)

#![cfg(all(feature = "srp", feature = "identity"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use cognito::auth::srp::{DevicePassword, DeviceVerifier, SrpClient};
use cognito::auth::{AppClientSecret, ClientSecret, RememberedDevice, Tokens};
use cognito::identity::credentials::IdentityPoolCredentialsProvider;
use cognito::idp::types::AuthenticationResultType;

/// The most bytes a marker may have.
const MAX_MARKER: usize = 64;

/// Looks for the marker in freed blocks while armed.
struct Scanning;

static ARMED: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);
static MARKER: Mutex<([u8; MAX_MARKER], usize)> = Mutex::new(([0; MAX_MARKER], 0));
/// One check at a time.
static CHECKS: Mutex<()> = Mutex::new(());

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

fn scan(ptr: *const u8, size: usize) {
    if !ARMED.load(Ordering::SeqCst) || size == 0 {
        return;
    }
    // SAFETY: `ptr` is a live block of `size` bytes handed back to the allocator.
    let block = unsafe { std::slice::from_raw_parts(ptr, size) };
    let marker = MARKER.lock().unwrap_or_else(|e| e.into_inner());
    let needle = &marker.0[..marker.1];
    if !needle.is_empty() && block.windows(needle.len()).any(|w| w == needle) {
        FOUND.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: every call is passed on to `System` with the same layout.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        scan(ptr, layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Always move, so that the old block is freed (and looked into) as a real move would.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let new = unsafe { System.alloc(new_layout) };
        if !new.is_null() {
            unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
            scan(ptr, layout.size());
            unsafe { System.dealloc(ptr, layout) };
        }
        new
    }
}

/// How many freed blocks held `marker` while `f` ran.
fn freed_in_clear(marker: &[u8], f: impl FnOnce()) -> usize {
    assert!(marker.len() <= MAX_MARKER && !marker.is_empty());
    {
        let mut m = MARKER.lock().unwrap_or_else(|e| e.into_inner());
        m.0[..marker.len()].copy_from_slice(marker);
        m.1 = marker.len();
    }
    FOUND.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}

const SECRET: &str = "zeroize-marker-5f1d-client-secret";

fn marker() -> String {
    // Built with its exact capacity, so that no growth copies it.
    String::from(SECRET)
}

#[test]
fn secrets_are_wiped_before_they_are_freed() {
    let _one_at_a_time = CHECKS.lock().unwrap_or_else(|e| e.into_inner());
    let marker_bytes = SECRET.as_bytes();

    // The check itself notices a secret freed in clear.
    assert_eq!(freed_in_clear(marker_bytes, || drop(marker())), 1);

    let mut leaks: Vec<(&str, usize)> = Vec::new();
    let mut check = |what: &'static str, n: usize| leaks.push((what, n));

    check(
        "ClientSecret",
        freed_in_clear(marker_bytes, || drop(ClientSecret::new(marker()))),
    );
    check(
        "ClientSecret clones",
        freed_in_clear(marker_bytes, || {
            let secret = ClientSecret::from(marker());
            let copy = secret.clone();
            drop(secret);
            drop(copy);
        }),
    );
    check(
        "AppClientSecret",
        freed_in_clear(marker_bytes, || {
            drop(AppClientSecret::new("client", marker()))
        }),
    );
    check(
        "DevicePassword",
        freed_in_clear(marker_bytes, || drop(DevicePassword::new(marker()))),
    );
    check(
        "RememberedDevice",
        freed_in_clear(marker_bytes, || {
            let device = RememberedDevice {
                device_key: "key".into(),
                device_group_key: "group".into(),
                device_password: marker(),
            };
            let copy = device.clone();
            drop(device);
            drop(copy);
        }),
    );

    // Tokens: the answer they are read from is the service's (dropped outside the check).
    let result = AuthenticationResultType {
        access_token: Some(format!("access.{SECRET}")),
        id_token: Some(format!("id.{SECRET}")),
        refresh_token: Some(format!("refresh.{SECRET}")),
        ..Default::default()
    };
    check(
        "Tokens",
        freed_in_clear(marker_bytes, || {
            let tokens = Tokens::from_result(&result, SystemTime::now()).expect("tokens");
            let copy = tokens.clone();
            drop(tokens);
            drop(copy);
        }),
    );
    drop(result);

    // Login tokens of an identity pool provider, when it is dropped and when they are replaced.
    let config = cognito::Config::builder()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9")
        .build();
    check(
        "IdentityPoolCredentialsProvider logins",
        freed_in_clear(marker_bytes, || {
            let provider = IdentityPoolCredentialsProvider::builder(&config, "us-east-1:pool")
                .login("accounts.example.com", marker())
                .build();
            drop(provider);
        }),
    );
    let provider = IdentityPoolCredentialsProvider::builder(&config, "us-east-1:pool")
        .logins(HashMap::from([(
            "accounts.example.com".to_owned(),
            marker(),
        )]))
        .build();
    check(
        "set_logins",
        freed_in_clear(marker_bytes, || provider.set_logins(HashMap::new())),
    );

    // SRP's private value `a`: made outside the check (its parsing is num-bigint's), dropped inside.
    let a_bytes = [0x5au8; 48];
    let a_hex: String = a_bytes.iter().map(|b| format!("{b:02x}")).collect();
    let client = SrpClient::with_private_key("us-east-1_Pool", &a_hex).expect("client");
    check(
        "SrpClient's a",
        freed_in_clear(&a_bytes[..40], || drop(client)),
    );

    // A new device's password.
    let verifier = DeviceVerifier::with_random_values("group", "key", &[0x33; 40], &[7; 16]);
    let password = verifier.device_password.expose().as_bytes().to_vec();
    check(
        "DeviceVerifier",
        freed_in_clear(&password[..MAX_MARKER.min(password.len())], || {
            drop(verifier)
        }),
    );

    let leaked: Vec<_> = leaks.into_iter().filter(|(_, n)| *n > 0).collect();
    assert!(leaked.is_empty(), "freed in clear: {leaked:?}");
}
