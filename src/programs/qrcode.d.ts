// The qrcode package ships no types; this is the one call Simpul makes.
declare module 'qrcode' {
  interface ToStringOptions {
    type: 'svg' | 'utf8' | 'terminal';
    margin?: number;
    width?: number;
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
  }
  const QRCode: { toString(text: string, options: ToStringOptions): Promise<string> };
  export default QRCode;
}
