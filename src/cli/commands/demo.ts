export async function run(_args: string[]): Promise<number> {
  console.log('ike demo: not built yet');
  return 1;
}
