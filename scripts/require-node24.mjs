// npm scripts run with node_modules/.bin first on PATH, where the `node` package (a devDependency)
// puts a Node 24 binary. This guard catches the cases where that did not happen (for example a
// command started outside npm) with a message instead of a confusing syntax or engine error later.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(
    `authlog needs Node.js 24 (this is ${process.version}). Run "npm ci" (it installs Node 24 from the npm ` +
      `registry into node_modules/.bin) and start commands through npm, or put node_modules/.bin first on PATH.`,
  );
  process.exit(1);
}
