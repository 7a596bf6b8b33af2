/** RFC 9457 problem details as the platform's APIs answer them, and the fields they name. */

export interface FieldError {
  pointer: string;
  detail: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldError[];
  service?: string;
}

/** The field a pointer names: its last segment (`#/note/plans` → `plans`), the list for an item
 * of one (`#/blockers/2` → `blockers`). */
export function fieldOf(pointer: string): string {
  const path = pointer.replace(/^#/, "").replace(/^(query|path|header|cookie):/, "");
  const segments = path.split("/").filter(Boolean);
  while (segments.length > 1 && /^\d+$/.test(segments[segments.length - 1]!)) segments.pop();
  return segments[segments.length - 1] ?? "";
}

/** Field name → message, for the form to show under each field. */
export function fieldErrors(problem: ProblemBody | null | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const error of problem?.errors ?? []) {
    const field = fieldOf(error.pointer);
    if (field && !(field in result)) result[field] = error.detail;
  }
  return result;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemBody;

  constructor(status: number, problem: ProblemBody) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }

  get fields(): Record<string, string> {
    return fieldErrors(this.problem);
  }
}
