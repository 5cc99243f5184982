import { fuzzAnyBytes } from "../helpers/fuzz-bytes.js";

// the properties of test/fuzz.test.ts that npm test runs with fewer cases, with more: each arm of the byte generator
// drawn ~130 times a run, and the gzip'ed input five times as often
fuzzAnyBytes({ chunking: 400, lines: 2000, identical: 500, gzip: 300 });
