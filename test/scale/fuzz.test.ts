import { fuzzAnyBytes } from "../helpers/fuzz-bytes.js";

// the properties of test/fuzz.test.ts that npm test runs with fewer cases, with more: each arm of the byte generator
// drawn ~130 times a run, and the gzip'ed input three times as often
fuzzAnyBytes({ chunking: 400, gzip: 300 });
