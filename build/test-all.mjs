// `npm test`: bootstrap → build → vitest (engine) → Pester (module, imported from dist) → one
// closing line `N passed, N failed` counting both suites (skipped tests are not passed). Exits
// non-zero when anything failed or nothing ran. Reports land in test-results/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, PWSH, RESULTS, ROOT, TOOLS_MODULES, cleanEnv, packageVersion, run, step } from './lib.mjs';

const testEnv = () => {
  const env = cleanEnv({
    CMTSMEDIA_TEST_MODULE: join(DIST, 'CmTsMedia', packageVersion(), 'CmTsMedia.psd1'),
    PSModulePath: [TOOLS_MODULES, process.env.PSModulePath].filter(Boolean).join(process.platform === 'win32' ? ';' : ':'),
  });
  delete env.CMTSMEDIA_ENGINE; // the module under test must find its own bin/ folder
  return env;
};

/** Counts from vitest's JSON report; a file that failed to load or an unhandled error counts as one failure. */
function vitest() {
  const report = join(RESULTS, 'vitest.json');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run',
    '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], { stdio: 'inherit', cwd: ROOT, env: testEnv() });
  if (!existsSync(report)) return { passed: 0, failed: 1, note: `vitest wrote no report (exit ${r.status})` };
  const json = JSON.parse(readFileSync(report, 'utf8'));
  let failed = json.numFailedTests;
  for (const file of json.testResults) {
    if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed')) failed++;
  }
  if (r.status !== 0 && failed === 0) failed = 1;
  return { passed: json.numPassedTests, failed };
}

function pester() {
  const testDir = join(ROOT, 'test', 'module');
  const files = existsSync(testDir) ? readdirSync(testDir, { recursive: true }).filter((f) => String(f).endsWith('.Tests.ps1')) : [];
  if (files.length === 0) { step('pester', 'no test/module/**/*.Tests.ps1, nothing to run'); return { passed: 0, failed: 0 }; }
  const summary = join(RESULTS, 'pester-summary.json');
  const r = spawnSync(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(ROOT, 'build', 'run-pester.ps1'),
    '-TestPath', testDir, '-ResultsPath', RESULTS], { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT, env: testEnv() });
  if (r.error || !existsSync(summary)) return { passed: 0, failed: 1, note: `Pester did not finish (${r.error?.message ?? `exit ${r.status}`})` };
  const { passed, failed } = JSON.parse(readFileSync(summary, 'utf8'));
  return { passed, failed: r.status !== 0 && failed === 0 ? 1 : failed };
}

function main() {
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  const results = [];
  const bootstrap = (...steps) => run(process.execPath, [join(ROOT, 'build', 'bootstrap.mjs'), ...steps]);
  try {
    bootstrap('apt', 'npm', 'node-bins');
    run(process.execPath, [join(ROOT, 'build', 'build.mjs')]);
    let powershell;
    try {
      bootstrap('pwsh', 'pester');
    } catch (err) {
      powershell = { passed: 0, failed: 1, note: err.message }; // the engine suite still runs
    }
    results.push(['vitest', vitest()], ['Pester', powershell ?? pester()]);
  } catch (err) {
    results.push(['setup', { passed: 0, failed: 1, note: err.message }]);
  }
  let passed = 0;
  let failed = 0;
  for (const [name, r] of results) {
    step('test', `${name}: passed ${r.passed}, failed ${r.failed}${r.note ? ` (${r.note})` : ''}`);
    passed += r.passed;
    failed += r.failed;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

process.exitCode = main();
