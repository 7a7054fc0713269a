export type CodedTypeErrorOptions = {
  code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE';
  message: string;
};

/**
 * Programmer misuse of the vault (a short key, an empty context). The Node-style `code` lets callers and tests tell
 * it apart from a ciphertext that fails to decrypt, which is a data problem rather than a bug.
 */
export class CodedTypeError extends TypeError {
  override name = 'TypeError';
  readonly code: CodedTypeErrorOptions['code'];

  constructor(options: CodedTypeErrorOptions) {
    super(options.message);
    this.code = options.code;
  }
}
