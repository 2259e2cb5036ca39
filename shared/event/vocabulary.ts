/**
 * The closed vocabularies of the authentication log, as Duo's Admin API v2 documents them
 * (see ../shared/notes/domain.md). Adding a value is a schema change: bump nothing, but extend the
 * Elasticsearch mapping's docs and the reports' labels with it.
 */
export const EVENT_TYPES = ['authentication', 'enrollment'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const RESULTS = ['success', 'denied', 'fraud'] as const;
export type AuthResult = (typeof RESULTS)[number];

export const DENIED_REASONS = [
  'user_marked_fraud',
  'deny_unenrolled_user',
  'error',
  'locked_out',
  'user_disabled',
  'user_cancelled',
  'invalid_passcode',
  'no_response',
  'no_keys_pressed',
  'call_timed_out',
  'location_restricted',
  'factor_restricted',
  'platform_restricted',
  'version_restricted',
  'rooted_device',
  'no_screen_lock',
  'touch_id_disabled',
  'no_disk_encryption',
  'anonymous_ip',
  'out_of_date',
  'denied_by_policy',
  'software_restricted',
  'no_duo_certificate_present',
  'user_provided_invalid_certificate',
  'could_not_determine_if_endpoint_was_trusted',
  'invalid_management_certificate_collection_state',
  'no_referring_hostname_provided',
  'invalid_referring_hostname_provided',
  'no_web_referer_match',
  'endpoint_failed_google_verification',
  'endpoint_is_not_trusted',
  'invalid_device',
  'anomalous_push',
  'endpoint_is_not_in_management_system',
  'no_activated_duo_mobile_account',
  'user_not_in_permitted_group',
] as const;

export const SUCCESS_REASONS = [
  'allow_unenrolled_user',
  'bypass_user',
  'trusted_network',
  'remembered_device',
  'trusted_location',
  'user_approved',
  'valid_passcode',
  'allowed_by_policy',
  'allow_unenrolled_user_on_trusted_network',
] as const;

export const REASONS = [...DENIED_REASONS, ...SUCCESS_REASONS] as const;
export type DeniedReason = (typeof DENIED_REASONS)[number];
export type SuccessReason = (typeof SUCCESS_REASONS)[number];
export type Reason = (typeof REASONS)[number];

export const FACTORS = [
  'duo_push',
  'phone_call',
  'u2f_token',
  'hardware_token',
  'bypass_code',
  'sms_passcode',
  'duo_mobile_passcode',
  'yubikey_code',
  'passcode',
  'digipass_go_7_token',
  'webauthn_security_key',
  'webauthn_touch_id',
  'webauthn_credential',
  'not_available',
  'sms_refresh',
  'remembered_device',
  'trusted_network',
  'trusted_mobile_authenticator',
] as const;
export type Factor = (typeof FACTORS)[number];

const SUCCESS_REASON_SET: ReadonlySet<string> = new Set(SUCCESS_REASONS);

/** A success carries a success reason; a denial or fraud carries a denial reason. */
export function reasonMatchesResult(result: AuthResult, reason: Reason): boolean {
  return SUCCESS_REASON_SET.has(reason) === (result === 'success');
}
