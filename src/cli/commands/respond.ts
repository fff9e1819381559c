export async function run(_args: string[]): Promise<number> {
  console.log('ike respond: not built yet');
  return 1;
}
