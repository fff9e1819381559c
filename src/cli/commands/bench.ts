export async function run(_args: string[]): Promise<number> {
  console.log('ike bench: not built yet');
  return 1;
}
