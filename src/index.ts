export { analyze, analyzeSource, buildReport, type Analysis, type AnalyzeOptions } from "./analyze.js";
export { mergeStates, finalizeFacts, initState, type FactState } from "./facts/state.js";
export * from "./facts/schema.js";
export type { Event } from "./events/index.js";
export type { Evidence, LogRecord, Origin } from "./model.js";
export { peel, stripAnsi } from "./records/peel.js";
export { memorySource } from "./input/memory.js";
export type { InputSource, InputLimits } from "./input/sources.js";
