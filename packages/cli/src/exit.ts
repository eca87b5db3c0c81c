/** Thrown by a command to end with a status and one message on standard error (usage errors: 2). */
export class CliExit extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
