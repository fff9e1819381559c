export async function run(_args: string[]): Promise<number> {
  console.log('ike decode: not built yet');
  return 1;
}
