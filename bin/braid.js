#!/usr/bin/env node
// Launcher: Braid's TypeScript runs directly on Node's type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`braid needs Node.js 22.18 or newer (this is ${process.versions.node})\n`);
  process.exit(2);
}
const { main } = await import('../src/main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
