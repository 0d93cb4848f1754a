import { ICAO_9303_CYRILLIC, sameLatinForm, transliterate } from './icao-9303';

describe('ICAO 9303 transliteration (MIG-6)', () => {
  describe(transliterate.name, () => {
    // ICAO Doc 9303 Part 3, the Russian alphabet: every letter, in table order.
    it.each([
      ['А', 'A'],
      ['Б', 'B'],
      ['В', 'V'],
      ['Г', 'G'],
      ['Д', 'D'],
      ['Е', 'E'],
      ['Ё', 'E'],
      ['Ж', 'ZH'],
      ['З', 'Z'],
      ['И', 'I'],
      ['Й', 'I'],
      ['К', 'K'],
      ['Л', 'L'],
      ['М', 'M'],
      ['Н', 'N'],
      ['О', 'O'],
      ['П', 'P'],
      ['Р', 'R'],
      ['С', 'S'],
      ['Т', 'T'],
      ['У', 'U'],
      ['Ф', 'F'],
      ['Х', 'KH'],
      ['Ц', 'TS'],
      ['Ч', 'CH'],
      ['Ш', 'SH'],
      ['Щ', 'SHCH'],
      ['Ъ', 'IE'],
      ['Ы', 'Y'],
      ['Ь', ''],
      ['Э', 'E'],
      ['Ю', 'IU'],
      ['Я', 'IA'],
    ])('Russian %s → %s', (cyrillic, latin) => {
      expect(transliterate(cyrillic)).toBe(latin);
      expect(transliterate(cyrillic.toLowerCase())).toBe(latin);
    });

    it('covers the whole Russian alphabet (33 letters) and І', () => {
      expect(Object.keys(ICAO_9303_CYRILLIC)).toHaveLength(34);
    });

    // MXG's documented choice for Kazakh letters: the plain letter of the nearest counterpart.
    it.each([
      ['Ә', 'A'],
      ['Ғ', 'G'],
      ['Қ', 'K'],
      ['Ң', 'N'],
      ['Ө', 'O'],
      ['Ұ', 'U'],
      ['Ү', 'U'],
      ['Һ', 'H'],
      ['І', 'I'],
    ])('Kazakh %s → %s', (cyrillic, latin) => {
      expect(transliterate(cyrillic)).toBe(latin);
    });

    it.each([
      ['Иванов', 'IVANOV'],
      ['Щукина', 'SHCHUKINA'],
      ['Юлия', 'IULIIA'],
      ['Подъячев', 'PODIEIACHEV'],
      ['Игорь', 'IGOR'],
      ['Нұрсұлтан', 'NURSULTAN'],
      ['Әлия', 'ALIIA'],
      ['Салтыков-Щедрин', 'SALTYKOV-SHCHEDRIN'],
      ['Анна Мария', 'ANNA MARIIA'],
    ])('%s → %s', (cyrillic, latin) => {
      expect(transliterate(cyrillic)).toBe(latin);
    });

    it('derives nothing from a name with a character outside the table', () => {
      expect(transliterate('Иванов2')).toBeUndefined();
      expect(transliterate('Ivanov')).toBeUndefined();
    });
  });

  describe(sameLatinForm.name, () => {
    it('ignores letter case, extra spaces and apostrophes', () => {
      expect(sameLatinForm('Ivanov', 'IVANOV')).toBe(true);
      expect(sameLatinForm(' Anna  Mariia ', 'ANNA MARIIA')).toBe(true);
      expect(sameLatinForm("O'LEG", 'OLEG')).toBe(true);
    });

    it('tells a different spelling apart', () => {
      expect(sameLatinForm('IVANOFF', 'IVANOV')).toBe(false);
      expect(sameLatinForm('YULIA', 'IULIIA')).toBe(false);
    });
  });
});
