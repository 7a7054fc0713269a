// Vault contexts of the Google secrets: each ciphertext decrypts only in its own row and column, so a copied
// ciphertext is useless elsewhere (the same binding as the ChatGPT tokens and API keys).

export function googleClientSecretContext(userId: string): string {
  return `google_oauth_clients:${userId}:client_secret`;
}

export function googleFlowVerifierContext(flowId: string): string {
  return `google_sign_in_flows:${flowId}:code_verifier`;
}

export function googleTokenContext(connectionId: string, column: 'access_token' | 'refresh_token'): string {
  return `google_connections:${connectionId}:${column}`;
}
