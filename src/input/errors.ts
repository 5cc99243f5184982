/** A failure that is the user's input, not our bug: reported as one line and exit status 2. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = "InputError";
  }
}
