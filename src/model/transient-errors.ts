/**
 * Transient failures. A backend marks a failure worth retrying (a dropped HTTP connection, a busy
 * server, a temporarily exhausted resource) by throwing a BackendError whose `fields.transient` is
 * true ({@link transientBackendError} builds one). Every other error is final: bad input,
 * capability errors and context overflows would fail the same way again. Backends raise them and
 * their transport retries them; the evaluator retries what still arrives transient.
 */
import {BackendError, type ErrorDetails} from "../errors.js";

export function transientBackendError(summary: string, details: ErrorDetails = {}): BackendError {
    return new BackendError(summary, {...details, fields: {...details.fields, transient: true}});
}

export function isTransientError(error: unknown): boolean {
    return error instanceof BackendError && error.fields["transient"] === true;
}
