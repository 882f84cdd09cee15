/**
 * glassbox/testing: the backend conformance suite, for anyone who writes a backend. Call
 * {@link registerConformanceTests} in a node:test file with a factory for your backend; tests its
 * declared capabilities rule out are skipped with the reason.
 */
export {registerConformanceTests, type ConformanceSubject} from "./conformance.js";
