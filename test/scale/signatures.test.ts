import { freeWithRunsAgree } from "../helpers/signature-runs.js";

// signatureFreeWithRuns against trying every word everywhere, on the 1,000 cases of test/signatures.test.ts and 2,000 more
freeWithRunsAgree(3000);
