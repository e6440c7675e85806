// Domain errors any layer may throw; the HTTP error plugin turns them into `{ statusCode, error, message }`.
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Fields the answer carries beside statusCode, error and message (WAHA's own, where it has them). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string): AppError => new AppError(400, message);
export const notFound = (message: string): AppError => new AppError(404, message);
export const conflict = (message: string): AppError => new AppError(409, message);
export const unprocessable = (message: string): AppError => new AppError(422, message);
export const notImplemented = (message: string): AppError => new AppError(501, message);
export const contentTooLarge = (message: string): AppError => new AppError(413, message);
