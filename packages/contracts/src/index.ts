export {
  API_KEY_PREFIX,
  type ApiKeyList,
  type ApiKeySummary,
  apiKeyListSchema,
  apiKeyNameSchema,
  apiKeySummarySchema,
  type CreateApiKeyRequest,
  type CreatedApiKey,
  createApiKeyRequestSchema,
  createdApiKeySchema,
  type WhoAmI,
  whoAmISchema,
} from './api-keys.ts';
export {
  CSRF_HEADER,
  emailSchema,
  type LoginRequest,
  loginRequestSchema,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordSchema,
  type SessionState,
  type SetupRequest,
  sessionStateSchema,
  setupRequestSchema,
  type User,
  userSchema,
} from './auth.ts';
export {
  type ErrorEnvelope,
  errorEnvelopeSchema,
  type GatewayErrorCode,
  gatewayErrorCodeSchema,
} from './errors.ts';
export { livenessSchema, type Readiness, readinessSchema } from './health.ts';
