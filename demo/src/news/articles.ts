export interface Article {
  slug: string;
  title: string;
  dek: string;
  author: string;
  date: string;
  section: string;
  paragraphs: string[];
}

export const articles: readonly Article[] = [
  {
    slug: 'handheld-consoles-are-back',
    title: 'Handheld consoles are back, and this time they dock',
    dek: 'A new generation of hybrid machines blurs the line between the sofa and the commute.',
    author: 'Mara Lindqvist',
    date: '2026-11-20',
    section: 'Games',
    paragraphs: [
      'Five years ago the handheld looked like a niche for collectors. This winter, three of the five best-selling consoles in Europe can be carried in a coat pocket, and every one of them slides into a dock that sends a sharp picture to the living-room television.',
      'The appeal is less about raw power than about continuity. Players start a match on the train, put the device down on the dock at home and keep going on the big screen without a menu in between. Battery life, once the weak point, now reaches six to eight hours in most titles thanks to efficient OLED panels.',
      'Retailers report that accessories follow the console closely: a second controller, a carrying case and a memory card are in most baskets within a week of the first purchase. Prices have held steady at around three hundred euros, which analysts attribute to a crowded field rather than cheaper parts.',
      'The open question is software. Studios now ship the same game on the handheld and on home consoles, trimming textures rather than content. For most players that trade is invisible; for the enthusiasts who count frames it is a lively forum topic.',
    ],
  },
  {
    slug: 'quiet-please-noise-cancelling-tested',
    title: 'Quiet, please: we rode the night train with six noise-cancelling headphones',
    dek: 'The best ones removed the engine hum; only two kept the conductor’s announcements intelligible.',
    author: 'Jonas Perrin',
    date: '2026-11-18',
    section: 'Tech',
    paragraphs: [
      'Active noise cancellation has become a standard feature even at mid-range prices, so we took six current models on an eleven-hour night train from Vienna to test the claims where they matter: low, constant rumble and sudden voices.',
      'All six handled the steady hum of the carriage well. The differences appeared with speech. Over-ear models with a transparency mode let us hear the conductor without removing them; two of the in-ear models muffled announcements to the point of missing our stop, almost.',
      'Comfort decided the ranking more than sound. After four hours, lighter headbands with softer pads won clearly, and a model with a slightly weaker cancellation but better fit became the one we kept reaching for.',
      'Battery life was a non-issue: every model finished the trip with more than half its charge. Cases differ more than expected, and the one that folds flat is the one that fits a backpack already full of snacks.',
    ],
  },
  {
    slug: 'the-27-inch-sweet-spot',
    title: 'Why 27 inches became the sweet spot for home offices',
    dek: 'Sharp text, room for two windows and a desk that still fits a cup of coffee.',
    author: 'Aisha Benali',
    date: '2026-11-15',
    section: 'Work',
    paragraphs: [
      'When offices emptied, kitchen tables filled with laptops. Three years on, the typical home desk has settled on a single 27-inch screen, and sales data shows 4K resolution overtaking 1440p at that size for the first time.',
      'The reasoning is practical. At a normal viewing distance, a 4K panel renders text as crisply as a printed page, and two documents fit side by side without squinting. Larger screens demand deeper desks, which few apartments offer.',
      'A single USB-C cable carrying picture, power and data has done as much for adoption as the panels themselves: one plug turns a laptop into a workstation, and unplugging it turns the desk back into a table.',
    ],
  },
  {
    slug: 'city-weekend-markets-guide',
    title: 'A weekend guide to the city’s winter markets',
    dek: 'Mulled wine, handmade gifts and where to find a quiet bench.',
    author: 'Tomasz Nowak',
    date: '2026-11-12',
    section: 'City',
    paragraphs: [
      'The first winter markets open this Friday, and the largest, on the cathedral square, expects more than a hundred stalls. Come early on Saturday for the craft stands; by the afternoon the square belongs to families and brass bands.',
      'Smaller markets in the old harbour and the university quarter are less crowded and stay open later on weekdays. The harbour market is the one to visit for local cheese and smoked fish; the university quarter leans toward prints, ceramics and second-hand books.',
      'Public transport runs extra trams until midnight on market weekends. Cyclists will find new temporary racks at each entrance, and a free map of all seven markets is available at the tourist office.',
    ],
  },
];
