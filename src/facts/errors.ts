import type { Event } from "../events/index.js";
import type { Evidence } from "../model.js";
import { earlier, located, plain, type FactDomain, type Located } from "./domain.js";

export interface ErrorsState {
  firstError: Located | null;
  firstWarning: Located | null;
  errorCount: number;
  warningCount: number;
}

export interface ErrorsFacts {
  firstError: Evidence | null;
  firstWarning: Evidence | null;
}

export const errorsDomain: FactDomain<ErrorsState, ErrorsFacts> = {
  name: "errors",
  init: () => ({ firstError: null, firstWarning: null, errorCount: 0, warningCount: 0 }),
  reduce(state, e: Event) {
    if (e.kind === "error") {
      state.errorCount++;
      state.firstError = earlier(state.firstError, located(e));
    } else if (e.kind === "warning") {
      state.warningCount++;
      state.firstWarning = earlier(state.firstWarning, located(e));
    }
  },
  merge: (a, b) => ({
    firstError: earlier(a.firstError, b.firstError),
    firstWarning: earlier(a.firstWarning, b.firstWarning),
    errorCount: a.errorCount + b.errorCount,
    warningCount: a.warningCount + b.warningCount,
  }),
  finalize(state) {
    const sources: Record<string, Evidence> = {};
    const missing: import("./schema.js").Missing[] = [];
    if (state.firstError) sources.firstError = plain(state.firstError)!;
    return {
      facts: { firstError: plain(state.firstError), firstWarning: plain(state.firstWarning) },
      sources,
      missing,
    };
  },
};
