export async function run(_args: string[]): Promise<number> {
  console.log('ike conformance: not built yet');
  return 1;
}
