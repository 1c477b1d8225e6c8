// Writes jest's totals to $JEST_SUMMARY_FILE (when set) so .ci/run can add up several runs without parsing jest's output.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.JEST_SUMMARY_FILE;
    if (!file) return;
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      pending: results.numPendingTests,
      suites: results.numTotalTestSuites,
    };
    writeFileSync(file, JSON.stringify(summary));
  }
}

module.exports = SummaryReporter;
