/** An HTTP error with a machine-readable code; the app's error handler turns it into the JSON body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: string[],
  ) {
    super(message);
  }
}

/** Every error reply has this body. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  issues?: string[];
}

export const errorBodySchema = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    error: { type: 'string', description: 'machine-readable code' },
    message: { type: 'string' },
    issues: { type: 'array', items: { type: 'string' } },
  },
  required: ['statusCode', 'error', 'message'],
} as const;
