/** Programmer misuse of the testkit, with a Node-style `code` so tests can tell it apart from fake behaviour. */
export class CodedTypeError extends TypeError {
  override name = 'TypeError';
  readonly code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE';

  constructor(options: { code: CodedTypeError['code']; message: string }) {
    super(options.message);
    this.code = options.code;
  }
}

export function invalidValue(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}

export function invalidType(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message });
}
