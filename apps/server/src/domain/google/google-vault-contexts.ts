// Vault contexts of the Google secrets: each ciphertext decrypts only in its own row and column, so a copied
// ciphertext is useless elsewhere (the same binding as the ChatGPT tokens and API keys). Google's flows and
// connections now live in the shared `sign_in_flows` and `connections` tables (migration 0007), but keep the names
// of the tables they were first written in: the moved rows kept their ids, and so their ciphertexts stay valid
// without re-encryption (domain/vault/encrypted-columns.ts picks the context by the row's provider).

export function googleClientSecretContext(userId: string): string {
  return `google_oauth_clients:${userId}:client_secret`;
}

export function googleFlowVerifierContext(flowId: string): string {
  return `google_sign_in_flows:${flowId}:code_verifier`;
}

export function googleTokenContext(connectionId: string, column: 'access_token' | 'refresh_token'): string {
  return `google_connections:${connectionId}:${column}`;
}
