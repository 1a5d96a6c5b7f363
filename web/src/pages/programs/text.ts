/** UI texts of the programs pages, merged into the app dictionary (Indonesian first). */
export const programsText = {
  id: {} as Record<string, string>,
  en: {} as Record<string, string>,
};
