export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`openrla ${argv.join(' ')}\n`);
  return 0;
}
