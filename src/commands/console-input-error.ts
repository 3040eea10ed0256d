/**
 * A console command's own complaint about what was typed (as opposed to the
 * core's AppError): shown to the person as "Nothing was changed". In its own
 * file so command modules can import it without importing the console runner,
 * which imports every module.
 */
export class ConsoleInputError extends Error {}
