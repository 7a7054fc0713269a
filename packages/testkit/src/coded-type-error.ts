export type CodedTypeErrorOptions = {
  code: 'ERR_INVALID_ARG_TYPE' | 'ERR_INVALID_ARG_VALUE';
  message: string;
};

/** Programmer misuse of the testkit, with a Node-style `code` so tests can tell it apart from fake behaviour. */
export class CodedTypeError extends TypeError {
  override name = 'TypeError';
  readonly code: CodedTypeErrorOptions['code'];

  constructor(options: CodedTypeErrorOptions) {
    super(options.message);
    this.code = options.code;
  }
}
