// `npm run bench -- <name>`: runs bench/<name>.ts.
const name = process.argv[2];
const available = ['send', 'webhooks'];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}>`);
  process.exit(2);
}
await import(`./${name}.ts`);
