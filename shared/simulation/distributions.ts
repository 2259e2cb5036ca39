import type { AuthResult, DeniedReason, Factor, SuccessReason } from '../event/vocabulary.js';

/**
 * Shapes of simulated traffic, loosely after what Duo customers see: most logins are approved
 * pushes, a few percent are denied (wrong passcode, no response, out-of-date devices...), fraud is
 * rare. Weights are relative, not percentages.
 */
export const RESULT_WEIGHTS: Record<AuthResult, number> = { success: 930, denied: 65, fraud: 5 };

export const SUCCESS_REASON_WEIGHTS: Record<SuccessReason, number> = {
  user_approved: 55,
  valid_passcode: 15,
  remembered_device: 12,
  trusted_network: 8,
  allowed_by_policy: 4,
  bypass_user: 2,
  trusted_location: 2,
  allow_unenrolled_user: 1.5,
  allow_unenrolled_user_on_trusted_network: 0.5,
};

export const DENIED_REASON_WEIGHTS: Partial<Record<DeniedReason, number>> = {
  invalid_passcode: 20,
  no_response: 15,
  user_cancelled: 12,
  out_of_date: 10,
  locked_out: 5,
  denied_by_policy: 5,
  user_disabled: 4,
  location_restricted: 3,
  anonymous_ip: 3,
  no_screen_lock: 2,
  rooted_device: 2,
  platform_restricted: 2,
  version_restricted: 2,
  no_disk_encryption: 2,
  call_timed_out: 2,
  deny_unenrolled_user: 2,
  endpoint_is_not_trusted: 2,
  error: 1,
  factor_restricted: 1,
  software_restricted: 1,
  user_not_in_permitted_group: 1,
  no_keys_pressed: 1,
  invalid_device: 1,
};

export const FRAUD_REASON_WEIGHTS: Partial<Record<DeniedReason, number>> = { user_marked_fraud: 8, anomalous_push: 2 };

/** The factor a reason implies, or the weights to draw it from. */
export const FACTOR_BY_REASON: Partial<Record<SuccessReason | DeniedReason, Partial<Record<Factor, number>>>> = {
  user_approved: { duo_push: 80, phone_call: 8, webauthn_security_key: 5, webauthn_touch_id: 5, trusted_mobile_authenticator: 2 },
  valid_passcode: { duo_mobile_passcode: 50, sms_passcode: 25, hardware_token: 12, yubikey_code: 8, bypass_code: 5 },
  remembered_device: { remembered_device: 1 },
  trusted_network: { trusted_network: 1 },
  invalid_passcode: { duo_mobile_passcode: 50, sms_passcode: 30, hardware_token: 10, yubikey_code: 10 },
  no_response: { duo_push: 90, phone_call: 10 },
  user_cancelled: { duo_push: 70, phone_call: 30 },
  call_timed_out: { phone_call: 1 },
  no_keys_pressed: { phone_call: 1 },
  user_marked_fraud: { duo_push: 85, phone_call: 15 },
  anomalous_push: { duo_push: 1 },
};
/** For reasons that decide before a factor is used (policy, device health...). */
export const DEFAULT_FACTOR_WEIGHTS: Partial<Record<Factor, number>> = { not_available: 6, duo_push: 4 };

export const APPLICATIONS = ['VPN', 'Microsoft 365', 'Salesforce', 'AWS Console', 'GitHub', 'Slack', 'Workday', 'Zoom'] as const;

export const PLATFORMS = [
  { os: 'Windows', versions: ['10', '11'], browsers: ['Edge', 'Chrome', 'Firefox'] },
  { os: 'Mac OS X', versions: ['14.6', '15.1', '15.2'], browsers: ['Safari', 'Chrome', 'Firefox'] },
  { os: 'iOS', versions: ['17.6', '18.1'], browsers: ['Mobile Safari', 'Chrome Mobile'] },
  { os: 'Android', versions: ['13', '14', '15'], browsers: ['Chrome Mobile', 'Samsung Internet'] },
  { os: 'Linux', versions: ['6.1', '6.8'], browsers: ['Firefox', 'Chrome'] },
] as const;

export const PLATFORM_WEIGHTS = { Windows: 45, 'Mac OS X': 25, iOS: 15, Android: 10, Linux: 5 } as const;

export const LOCATIONS = [
  { city: 'Ann Arbor', state: 'Michigan', country: 'United States' },
  { city: 'Austin', state: 'Texas', country: 'United States' },
  { city: 'London', state: 'England', country: 'United Kingdom' },
  { city: 'Berlin', state: 'Berlin', country: 'Germany' },
  { city: 'Tokyo', state: 'Tokyo', country: 'Japan' },
  { city: 'Sydney', state: 'New South Wales', country: 'Australia' },
  { city: 'Toronto', state: 'Ontario', country: 'Canada' },
  { city: 'Sao Paulo', state: 'Sao Paulo', country: 'Brazil' },
] as const;

/** Relative login volume per hour of the day (UTC, for simplicity): a working-day rhythm. */
export const HOURLY_RHYTHM = [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 13, 12, 10, 12, 13, 12, 10, 7, 4, 3, 2, 2, 1, 1] as const;
