import { describe, expect, it } from 'vitest';
import { keyText } from './normalize.ts';
import { looksOldSpelling, modernizeSpelling } from './spelling.ts';

const meet = (old: string, modern: string) => expect(keyText(old)).toBe(keyText(modern));

describe('Indonesian spelling reforms in match keys', () => {
  it('meets Soekarno and Sukarno (oe -> u)', () => meet('Soekarno', 'Sukarno'));
  it('meets Djakarta and Jakarta (dj -> j)', () => meet('Djakarta', 'Jakarta'));
  it('meets Tjokroaminoto and Cokroaminoto (tj -> c)', () => meet('Tjokroaminoto', 'Cokroaminoto'));
  it('meets Sjahrir and Syahrir (sj -> sy)', () => meet('Sjahrir', 'Syahrir'));
  it('meets Achmad and Akhmad (ch -> kh)', () => meet('Achmad', 'Akhmad'));
  it('meets Jogjakarta and Yogyakarta (old j -> y)', () => meet('Jogjakarta', 'Yogyakarta'));
  it('meets njanji and nyanyi (nj -> ny)', () => meet('njanji', 'nyanyi'));
  it('keeps dj -> j and j -> y apart: djaja meets jaya', () => meet('djaja', 'jaya'));
  it('meets mendjadi and menjadi, where modern Indonesian also writes nj', () => meet('mendjadi', 'menjadi'));
  it('meets an old-spelling title without any marked word: "Jang terampas"', () =>
    meet('Deru tjampur debu; Jang terampas dan jang putus', 'Deru campur debu; Yang terampas dan yang putus'));
  it('meets whole titles: "Sedjarah Indonesia" / "Sejarah Indonesia"', () =>
    meet('Sedjarah Indonesia djilid 1', 'Sejarah Indonesia jilid 1'));
  it('does not merge words that differ by more than spelling', () =>
    expect(keyText('Sukarno')).not.toBe(keyText('Suharto')));
});

describe('modernizeSpelling for display', () => {
  it('marks words with dj, tj, sj, oe or j after a consonant as old spelling', () => {
    expect(looksOldSpelling('djakarta')).toBe(true);
    expect(looksOldSpelling('jogjakarta')).toBe(true);
    expect(looksOldSpelling('soekarno')).toBe(true);
    expect(looksOldSpelling('jakarta')).toBe(false);
    expect(looksOldSpelling('menjadi')).toBe(false);
  });

  it('converts a whole old text, unmarked words included', () => {
    expect(modernizeSpelling('jang terampas dan jang putus oleh tjokro')).toBe(
      'yang terampas dan yang putus oleh cokro',
    );
    expect(modernizeSpelling('sedjarah perdjuangan soekarno di djogjakarta')).toBe(
      'sejarah perjuangan sukarno di jogyakarta',
    );
  });

  it('leaves modern text alone', () => {
    expect(modernizeSpelling('menjadi jaya di jakarta')).toBe('menjadi jaya di jakarta');
  });
});
