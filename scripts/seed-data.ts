// Generated contacts for `npm run db:seed`: pure functions, no database.
//
// Contact i is a function of (seed, i) alone, with its own small PRNG, so the
// output does not depend on batch sizes or on where a run starts, and the same
// seed always gives the same people. Emails end in the contact's number, which
// is what keeps them unique (see seedEmail).

import { Random } from "./random";

export const DEFAULT_SEED = "cardfile";

export interface SeedContact {
  name: string;
  email: string;
  company: string | null;
  phone: string | null;
  notes: string | null;
}

// ---------------------------------------------------------------- randomness

/** A 32-bit number for a seed string (FNV-1a over UTF-16 code units). */
export function seedNumber(seed: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The seeder's randomness (scripts/random.ts), with one more kind of pick. */
class SeedRandom extends Random {
  /** `pattern` with every # replaced by a random digit. */
  digits(pattern: string): string {
    let out = "";
    for (const c of pattern) out += c === "#" ? String(this.int(10)) : c;
    return out;
  }
}

function randomFor(seed: number, index: number, stream: number): SeedRandom {
  return new SeedRandom(mix32(seed ^ mix32(Math.imul(index, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b))));
}

// ---------------------------------------------------------------- the people

/** A name as written, or [as written, in Latin letters] for other scripts. */
type Name = string | readonly [string, string];

interface Culture {
  weight: number;
  first: readonly Name[];
  last: readonly Name[];
  /** how often a name is written in its own script rather than in Latin letters */
  native?: number;
  /** family name first (when written natively, or always when `always`) */
  familyFirst?: "native" | "always";
  /** written without a space between the names, natively (CJK) */
  joined?: boolean;
  /** how often someone carries two family names (Spanish, Portuguese) */
  twoSurnames?: number;
  phones: readonly string[];
  suffixes: readonly string[];
  cities: readonly string[];
  companies?: readonly string[];
}

// prettier-ignore
const CULTURES: readonly Culture[] = [
  {
    weight: 14,
    first: ["James", "Mary", "Olivia", "Noah", "Emma", "Liam", "Ava", "William", "Sophia", "Benjamin", "Charlotte", "Henry", "Amelia", "Jack", "Harper", "Ethan", "Grace", "Samuel", "Chloe", "Daniel", "Ada", "Margaret", "Alan", "Evelyn", "Theodore", "Hazel", "Marcus", "Jasmine", "DeShawn", "Kayla"],
    last: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Anderson", "Thomas", "Moore", "Clarke", "Walker", "Hughes", "Lovelace", "Turing", "Hopper", "Baker", "Wright", "Washington", "Jackson", "Carter-Reid", "Fitzgerald", "MacDonald", "McLeod"],
    phones: ["(###) 555-01##", "###-555-01##", "+1 ### 555 01##", "###.555.01##", "+1 ###-555-01##", "(###) 555-01## x###", "+44 20 7946 0###", "020 7946 0###", "07700 900###", "+44 161 496 0###"],
    suffixes: ["Inc.", "LLC", "Ltd", "Co.", "plc", "LLP", "Group"],
    cities: ["Boston", "Chicago", "Austin", "Seattle", "London", "Manchester", "Toronto", "Sydney", "Edinburgh", "Denver"],
  },
  {
    weight: 3,
    first: ["Siobhán", "Aoife", "Niamh", "Seán", "Ciarán", "Pádraig", "Róisín", "Eoin", "Caoimhe", "Oisín", "Declan", "Bríd", "Saoirse", "Tadhg"],
    last: ["O'Brien", "O'Sullivan", "Murphy", "Kelly", "McCarthy", "Byrne", "Ryan", "Walsh", "O'Neill", "Doyle", "Ó Súilleabháin", "Mac Giolla Phádraig", "Ní Bhriain", "D'Arcy"],
    phones: ["+353 1 ### ####", "01 ### ####", "+353 8# ### ####", "087 ### ####"],
    suffixes: ["Ltd", "Teoranta", "DAC"],
    cities: ["Dublin", "Cork", "Galway", "Limerick", "Dún Laoghaire"],
  },
  {
    weight: 6,
    first: ["Lukas", "Jürgen", "Sören", "Anna", "Lea", "Günther", "Jörg", "Katharina", "Maximilian", "Hannah", "Björn", "Ulrike", "Felix", "Sabine", "Matthias", "Anneliese", "Dieter", "Mia"],
    last: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Zimmermann", "Krüger", "Hoffmann", "Weiß", "von Stauffenberg", "Schulze-Böhm"],
    phones: ["+49 30 #######", "030 ########", "+49 151 ########", "+49 (0)89 ######", "0171 #######", "+43 1 ### ####", "+41 44 ### ## ##"],
    suffixes: ["GmbH", "AG", "KG", "GmbH & Co. KG", "e.K."],
    cities: ["Berlin", "München", "Köln", "Düsseldorf", "Hamburg", "Wien", "Zürich", "Leipzig"],
  },
  {
    weight: 4,
    first: ["Łukasz", "Agnieszka", "Małgorzata", "Krzysztof", "Paweł", "Zofia", "Wojciech", "Katarzyna", "Michał", "Joanna", "Grzegorz", "Magdalena", "Jędrzej", "Bartłomiej", "Ewa", "Stanisław"],
    last: ["Nowak", "Kowalski", "Kowalska", "Wiśniewski", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowska", "Zieliński", "Szymańska", "Woźniak", "Dąbrowski", "Kozłowska", "Jankowski", "Mazur", "Krawczyk", "Grzybowski-Łęcki"],
    phones: ["+48 ### ### ###", "+48 22 ### ## ##", "### ### ###", "22 ### ## ##"],
    suffixes: ["Sp. z o.o.", "S.A.", "sp.k."],
    cities: ["Warszawa", "Kraków", "Łódź", "Wrocław", "Gdańsk", "Poznań"],
  },
  {
    weight: 2,
    first: ["Ólafur", "Guðrún", "Sigríður", "Jón", "Þórdís", "Björk", "Einar", "Halldóra", "Gunnar", "Ragnheiður", "Kristján", "Sóley", "Ásgeir", "Hafdís"],
    last: ["Jónsson", "Sigurðardóttir", "Guðmundsson", "Ólafsdóttir", "Einarsson", "Þórsson", "Magnúsdóttir", "Stefánsson", "Kristjánsdóttir", "Gunnarsson", "Björnsdóttir"],
    phones: ["+354 ### ####", "### ####"],
    suffixes: ["ehf.", "hf.", "sf."],
    cities: ["Reykjavík", "Akureyri", "Hafnarfjörður", "Ísafjörður"],
  },
  {
    weight: 4,
    first: ["Anh", "Minh", "Thảo", "Hương", "Dũng", "Linh", "Phương", "Tuấn", "Hoa", "Quang", "Trang", "Đức", "Ngọc", "Khánh"],
    last: ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Nguyễn Thị", "Trần Văn"],
    native: 0.5,
    familyFirst: "native",
    phones: ["+84 28 #### ####", "+84 24 #### ####", "09# ### ####", "+84 9# ### ## ##"],
    suffixes: ["JSC", "Co., Ltd.", "TNHH"],
    cities: ["Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng", "Huế", "Hải Phòng"],
  },
  {
    weight: 7,
    first: ["Sofía", "Mateo", "Lucía", "Santiago", "Valentina", "José", "María José", "Alejandro", "Camila", "Diego", "Martín", "Ximena", "Iñigo", "Begoña", "Andrés", "Guadalupe", "Jesús", "Nicolás"],
    last: ["García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Jiménez", "Muñoz", "Álvarez", "Ibáñez", "Núñez", "de la Cruz", "Fernández de Córdoba"],
    twoSurnames: 0.4,
    phones: ["+34 9## ### ###", "+34 6## ## ## ##", "+52 55 #### ####", "+54 11 ####-####", "55 #### ####", "+57 1 ### ####"],
    suffixes: ["S.A.", "S.L.", "S.A. de C.V.", "S.R.L.", "Ltda."],
    cities: ["Madrid", "Barcelona", "Sevilla", "Ciudad de México", "Bogotá", "Buenos Aires", "Santiago", "Lima"],
  },
  {
    weight: 5,
    first: ["Amélie", "Benoît", "Chloé", "Élodie", "François", "Hélène", "Jérôme", "Léa", "Mathéo", "Noémie", "Zoë", "Gaël", "Maëlle", "Loïc", "Céline", "Anaïs", "Jean-Luc", "Marie-Ève"],
    last: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Lefèvre", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "de La Tour d'Auvergne", "Lévesque", "Gagné"],
    phones: ["+33 1 ## ## ## ##", "01 ## ## ## ##", "+33 6 ## ## ## ##", "06 ## ## ## ##", "+32 2 ### ## ##", "+1 514-555-01##"],
    suffixes: ["SARL", "SAS", "S.A.", "SNC", "Inc."],
    cities: ["Paris", "Lyon", "Marseille", "Bordeaux", "Nantes", "Bruxelles", "Montréal", "Genève"],
  },
  {
    weight: 4,
    first: ["Astrid", "Åsa", "Björn", "Linnéa", "Søren", "Mette", "Ingrid", "Lars", "Freja", "Nils", "Sigrid", "Jens", "Märta", "Øystein", "Kåre", "Ylva"],
    last: ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Hansen", "Jensen", "Nielsen", "Pedersen", "Lindqvist", "Bergström", "Sjöberg", "Østergaard", "Halvorsen", "Åberg", "Kjærsgaard"],
    phones: ["+46 8 ### ### ##", "08-### ### ##", "+47 ### ## ###", "+45 ## ## ## ##", "07# ### ## ##", "+358 9 ### ####"],
    suffixes: ["AB", "AS", "ApS", "A/S", "Oy"],
    cities: ["Stockholm", "Göteborg", "Malmö", "Oslo", "Bergen", "København", "Århus", "Helsinki"],
  },
  {
    weight: 3,
    first: ["Daan", "Sanne", "Joost", "Femke", "Bram", "Lotte", "Maarten", "Anouk", "Thijs", "Eline", "Sven", "Noor"],
    last: ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer", "van der Meer", "van 't Hek", "Peeters"],
    phones: ["+31 20 ### ####", "020 ### ####", "+31 6 ########", "06-########", "+32 4## ## ## ##"],
    suffixes: ["B.V.", "N.V.", "VOF"],
    cities: ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Antwerpen", "Gent"],
  },
  {
    weight: 4,
    first: ["Giulia", "Lorenzo", "Francesca", "Matteo", "Chiara", "Alessandro", "Martina", "Niccolò", "Federica", "Giorgio", "Elena", "Raffaele"],
    last: ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "De Luca", "D'Angelo", "Lo Russo"],
    phones: ["+39 06 #### ####", "+39 02 ### ####", "+39 3## ### ####", "06 #### ####", "3## #######"],
    suffixes: ["S.r.l.", "S.p.A.", "S.n.c."],
    cities: ["Roma", "Milano", "Napoli", "Torino", "Bologna", "Firenze"],
  },
  {
    weight: 4,
    first: ["João", "Ana", "Conceição", "Gonçalo", "Inês", "Thiago", "Beatriz", "Luísa", "Vinícius", "Letícia", "Caio", "Mariana"],
    last: ["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida", "Nascimento", "Lima", "Araújo", "Gonçalves", "Magalhães", "da Silva"],
    twoSurnames: 0.3,
    phones: ["+55 11 9####-####", "(11) 9####-####", "+55 21 ####-####", "+351 21 ### ####", "+351 9## ### ###"],
    suffixes: ["Ltda.", "S.A.", "Lda.", "ME"],
    cities: ["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Lisboa", "Porto", "Curitiba"],
  },
  {
    weight: 3,
    first: ["Ayşe", "Mehmet", "Çağla", "Emre", "Gülşen", "Oğuz", "Zeynep", "İbrahim", "Şule", "Burak", "Elif", "Can"],
    last: ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan", "Ölmez", "Güneş"],
    phones: ["+90 212 ### ## ##", "+90 5## ### ## ##", "0212 ### ## ##", "05## ### ## ##"],
    suffixes: ["A.Ş.", "Ltd. Şti."],
    cities: ["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya"],
  },
  {
    weight: 2,
    first: [["Νίκος", "Nikos"], ["Ελένη", "Eleni"], ["Γιώργος", "Giorgos"], ["Μαρία", "Maria"], ["Δημήτρης", "Dimitris"], ["Κατερίνα", "Katerina"], ["Σοφία", "Sofia"], ["Κώστας", "Kostas"]],
    last: [["Παπαδόπουλος", "Papadopoulos"], ["Οικονόμου", "Oikonomou"], ["Γεωργίου", "Georgiou"], ["Νικολάου", "Nikolaou"], ["Βασιλείου", "Vasileiou"], ["Παπαδοπούλου", "Papadopoulou"], ["Αθανασίου", "Athanasiou"]],
    native: 0.4,
    phones: ["+30 21 0### ####", "+30 69# ### ####", "210 ### ####", "+357 22 ######"],
    suffixes: ["Α.Ε.", "Ε.Π.Ε.", "S.A."],
    cities: ["Αθήνα", "Θεσσαλονίκη", "Athens", "Πάτρα", "Λευκωσία"],
  },
  {
    weight: 4,
    first: [["Ольга", "Olga"], ["Дмитрий", "Dmitry"], ["Анна", "Anna"], ["Сергей", "Sergey"], ["Наталья", "Natalya"], ["Алексей", "Alexey"], ["Ирина", "Irina"], ["Андрій", "Andriy"], ["Оксана", "Oksana"], ["Юлія", "Yuliia"], ["Ярослав", "Yaroslav"]],
    last: [["Иванов", "Ivanov"], ["Петрова", "Petrova"], ["Смирнов", "Smirnov"], ["Кузнецова", "Kuznetsova"], ["Шевченко", "Shevchenko"], ["Коваленко", "Kovalenko"], ["Бондаренко", "Bondarenko"], ["Попов", "Popov"], ["Соколова", "Sokolova"], ["Мельник", "Melnyk"]],
    native: 0.5,
    phones: ["+7 495 ###-##-##", "+7 9## ###-##-##", "8 (495) ###-##-##", "+380 44 ### ####", "+380 67 ### ## ##"],
    suffixes: ["ООО", "АО", "LLC", "ТОВ"],
    cities: ["Москва", "Київ", "Санкт-Петербург", "Львів", "Almaty", "Одеса"],
    companies: ["Нордсталь", "Технопарк", "Сибирские Системы", "Укртелеком", "Северный ветер"],
  },
  {
    weight: 4,
    first: [["花子", "Hanako"], ["太郎", "Taro"], ["陽翔", "Haruto"], ["結衣", "Yui"], ["健", "Ken"], ["美咲", "Misaki"], ["翔太", "Shota"], ["さくら", "Sakura"], ["大輔", "Daisuke"], ["由美", "Yumi"]],
    last: [["佐藤", "Sato"], ["鈴木", "Suzuki"], ["高橋", "Takahashi"], ["田中", "Tanaka"], ["渡辺", "Watanabe"], ["伊藤", "Ito"], ["山本", "Yamamoto"], ["中村", "Nakamura"], ["小林", "Kobayashi"], ["加藤", "Kato"]],
    native: 0.5,
    familyFirst: "native",
    joined: true,
    phones: ["+81 3-####-####", "03-####-####", "+81 90-####-####", "090-####-####", "06-####-####"],
    suffixes: ["K.K.", "Co., Ltd.", "Inc."],
    cities: ["東京", "Tokyo", "大阪", "Osaka", "京都", "Fukuoka", "札幌"],
    companies: ["東京精機株式会社", "株式会社さくらソフト", "山田商事", "北斗物流株式会社"],
  },
  {
    weight: 5,
    first: [["伟", "Wei"], ["芳", "Fang"], ["娜", "Na"], ["秀英", "Xiuying"], ["敏", "Min"], ["静", "Jing"], ["强", "Qiang"], ["磊", "Lei"], ["婷", "Ting"], ["浩然", "Haoran"], ["子涵", "Zihan"], ["晓明", "Xiaoming"]],
    last: [["王", "Wang"], ["李", "Li"], ["张", "Zhang"], ["刘", "Liu"], ["陈", "Chen"], ["杨", "Yang"], ["黄", "Huang"], ["赵", "Zhao"], ["周", "Zhou"], ["吴", "Wu"], ["欧阳", "Ouyang"]],
    native: 0.4,
    familyFirst: "native",
    joined: true,
    phones: ["+86 10 #### ####", "+86 21 #### ####", "+86 13# #### ####", "139 #### ####", "+852 #### ####", "+886 2 #### ####"],
    suffixes: ["Co., Ltd.", "Ltd.", "Group"],
    cities: ["北京", "上海", "Shenzhen", "广州", "Hong Kong", "台北", "Singapore"],
    companies: ["华新科技", "深圳星河电子有限公司", "上海明德咨询", "Pearl River Trading"],
  },
  {
    weight: 3,
    first: [["민준", "Min-jun"], ["서연", "Seo-yeon"], ["지훈", "Ji-hoon"], ["하은", "Ha-eun"], ["도윤", "Do-yun"], ["수빈", "Su-bin"], ["예준", "Ye-jun"], ["지아", "Ji-a"]],
    last: [["김", "Kim"], ["이", "Lee"], ["박", "Park"], ["최", "Choi"], ["정", "Jung"], ["강", "Kang"], ["조", "Cho"], ["윤", "Yoon"]],
    native: 0.4,
    familyFirst: "native",
    joined: true,
    phones: ["+82 2-###-####", "+82 10-####-####", "010-####-####", "02-###-####"],
    suffixes: ["Co., Ltd.", "Corp.", "Inc."],
    cities: ["서울", "Seoul", "부산", "Incheon", "대구"],
  },
  {
    weight: 6,
    first: ["Aarav", "Priya", "Ananya", "Rohan", "Vikram", "Lakshmi", "Arjun", "Divya", "Sanjay", "Kavya", "Rahul", "Deepika", "Ishaan", "Meera", "Siddharth", "Aditi"],
    last: ["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Chatterjee", "Desai", "Rao", "Venkataraman", "Subramanian", "Bhattacharya"],
    phones: ["+91 98### #####", "+91 22 #### ####", "098## #####", "+91-80-####-####", "+94 11 ### ####"],
    suffixes: ["Pvt. Ltd.", "Ltd.", "LLP"],
    cities: ["Mumbai", "Bengaluru", "Delhi", "Chennai", "Hyderabad", "Pune", "Kolkata", "Colombo"],
  },
  {
    weight: 4,
    first: [["محمد", "Mohammed"], ["فاطمة", "Fatima"], ["عمر", "Omar"], ["ليلى", "Layla"], ["يوسف", "Yusuf"], ["عائشة", "Aisha"], ["حسن", "Hassan"], ["نور", "Noor"], ["كريم", "Karim"], ["مريم", "Mariam"], ["طارق", "Tariq"], ["زينب", "Zainab"]],
    last: [["الفارسي", "Al-Farsi"], ["حداد", "Haddad"], ["خليل", "Khalil"], ["منصور", "Mansour"], ["ناصر", "Nasser"], ["صالح", "Saleh"], ["السيد", "El-Sayed"], ["حمدان", "Hamdan"], ["عزيز", "Aziz"], ["عبدالله", "Abdullah"], ["بن علي", "Ben Ali"]],
    native: 0.15,
    phones: ["+971 4 ### ####", "+971 50 ### ####", "+20 2 #### ####", "+966 11 ### ####", "+212 5## ## ## ##", "+961 1 ### ###"],
    suffixes: ["LLC", "FZ-LLC", "W.L.L.", "S.A.R.L."],
    cities: ["Dubai", "Cairo", "Riyadh", "Amman", "Beirut", "Casablanca", "Doha"],
  },
  {
    weight: 4,
    first: ["Chinedu", "Ngozi", "Oluwaseun", "Adaeze", "Emeka", "Funmilayo", "Kwame", "Ama", "Tunde", "Chiamaka", "Yaw", "Folake", "Wanjiru", "Thabo", "Nomvula", "Kofi"],
    last: ["Okafor", "Adeyemi", "Okonkwo", "Eze", "Balogun", "Mensah", "Asante", "Nwosu", "Obi", "Adebayo", "Boateng", "Oyelaran", "Kamau", "Ndlovu", "Mokoena", "Achterberg"],
    phones: ["+234 803 ### ####", "0803 ### ####", "+233 24 ### ####", "+254 7## ######", "+27 21 ### ####", "082 ### ####"],
    suffixes: ["Ltd", "Plc", "(Pty) Ltd", "Limited"],
    cities: ["Lagos", "Abuja", "Accra", "Nairobi", "Cape Town", "Johannesburg", "Kumasi"],
  },
  {
    weight: 2,
    first: ["Zsófia", "Bence", "Réka", "Ádám", "Eszter", "Máté", "Dóra", "Gergő", "Levente", "Anikó"],
    last: ["Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas", "Szőke"],
    native: 1,
    familyFirst: "native",
    phones: ["+36 1 ### ####", "+36 30 ### ####", "06 1 ### ####", "06 20 ### ####"],
    suffixes: ["Kft.", "Zrt.", "Bt."],
    cities: ["Budapest", "Debrecen", "Szeged", "Pécs", "Győr"],
  },
  {
    weight: 2,
    first: ["Jiří", "Tereza", "Petr", "Kateřina", "Tomáš", "Lucie", "Ondřej", "Barbora", "Vojtěch", "Šárka"],
    last: ["Novák", "Svobodová", "Dvořák", "Černý", "Procházková", "Kučera", "Veselý", "Horák", "Němcová", "Růžička"],
    phones: ["+420 2## ### ###", "+420 6## ### ###", "+421 2 #### ####", "7## ### ###"],
    suffixes: ["s.r.o.", "a.s.", "v.o.s."],
    cities: ["Praha", "Brno", "Ostrava", "Plzeň", "Bratislava", "České Budějovice"],
  },
];

const TOTAL_WEIGHT = CULTURES.reduce((sum, c) => sum + c.weight, 0);

function pickCulture(random: SeedRandom): Culture {
  let roll = random.next() * TOTAL_WEIGHT;
  for (const culture of CULTURES) {
    roll -= culture.weight;
    if (roll < 0) return culture;
  }
  return CULTURES[0]!;
}

function written(name: Name, native: boolean): string {
  return typeof name === "string" ? name : native ? name[0] : name[1];
}

function latin(name: Name): string {
  return typeof name === "string" ? name : name[1];
}

// ---------------------------------------------------------------- companies

// prettier-ignore
const ADJECTIVES = ["Blue", "Northern", "Bright", "Silver", "Quiet", "Granite", "Harbor", "Summit", "Cedar", "Golden", "Open", "Clear", "Red", "Nimbus", "Atlas", "Polar", "Copper", "Maple", "Lumen", "Iron", "Little", "Tall", "Green", "Swift", "Second", "Old Town", "Riverside", "Eastgate", "Kestrel", "Juniper"];
// prettier-ignore
const NOUNS = ["Heron", "River", "Peak", "Bridge", "Field", "Stone", "Oak", "Lantern", "Anchor", "Compass", "Harvest", "Falcon", "Orchard", "Beacon", "Meadow", "Foundry", "Mill", "Arrow", "Fox", "Wave"];
// prettier-ignore
const INDUSTRIES = ["Analytics", "Logistics", "Foods", "Design", "Studio", "Partners", "Ventures", "Robotics", "Textiles", "Media", "Health", "Energy", "Consulting", "Software", "Bakery", "Brewing", "Architects", "Dental", "Legal", "Freight", "Labs", "Systems", "Imports", "Printing", "Solar", "Motors", "Insurance", "Accounting", "Coffee Roasters", "Pharma", "Clinic", "Builders", "Marine", "Games", "Bikes"];

function companyFor(random: SeedRandom, culture: Culture, nativeNames: boolean): string | null {
  if (random.chance(0.15)) return null;
  if (culture.companies && random.chance(nativeNames ? 0.5 : 0.1)) return random.pick(culture.companies);
  const surname = () => latin(random.pick(culture.last));
  let company: string;
  switch (random.int(6)) {
    case 0:
      company = `${surname()} ${random.pick(INDUSTRIES)}`;
      break;
    case 1:
      company = `${surname()} & ${surname()}`;
      break;
    case 2:
      company = `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${random.pick(INDUSTRIES)}`;
      break;
    case 3:
      company = `${random.pick(culture.cities)} ${random.pick(INDUSTRIES)}`;
      break;
    case 4:
      company = `${random.pick(ADJECTIVES).replace(/ /g, "")}${random.pick(NOUNS).toLowerCase()}`;
      break;
    default:
      company = `${surname()} ${random.pick(["Brothers", "& Sons", "& Daughters", "Family", "Holdings", "Trading", "& Partner"])}`;
  }
  return random.chance(0.45) ? `${company} ${random.pick(culture.suffixes)}` : company;
}

// ---------------------------------------------------------------- notes

// prettier-ignore
const EVENTS = ["the Web Summit", "a trade fair", "PyCon", "a friend's wedding", "the spring meetup", "Slush", "a client dinner", "the airport lounge", "a hackathon", "the school gate", "a book launch", "the climbing gym", "JSConf", "the Christmas market", "a charity run"];
// prettier-ignore
const TOPICS = ["the Q3 renewal", "pricing", "the pilot project", "a partnership", "the API integration", "hiring", "the office move", "their new warehouse", "the audit", "translations", "onboarding", "the catering contract", "a speaking slot", "the data migration"];
// prettier-ignore
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
// prettier-ignore
const CHANNELS = ["email", "phone calls", "text messages", "video calls", "WhatsApp", "calls after 3 pm", "a letter, seriously", "Signal"];
// prettier-ignore
const LANGUAGES = ["English", "Spanish", "German", "French", "Polish", "Icelandic", "Vietnamese", "Japanese", "Mandarin", "Korean", "Hindi", "Arabic", "Portuguese", "Swahili", "Turkish", "Greek"];

function sentence(random: SeedRandom, culture: Culture): string {
  switch (random.int(16)) {
    case 0:
      return `Met at ${random.pick(EVENTS)} in ${random.pick(culture.cities)}.`;
    case 1:
      return `Prefers ${random.pick(CHANNELS)}.`;
    case 2:
      return `Follow up in ${random.pick(MONTHS)} about ${random.pick(TOPICS)}.`;
    case 3:
      return `Introduced by ${latin(random.pick(culture.first))} ${latin(random.pick(culture.last))}.`;
    case 4:
      return `Birthday: ${1 + random.int(28)} ${random.pick(MONTHS)}.`;
    case 5:
      return `Decision maker for ${random.pick(TOPICS)}.`;
    case 6:
      return random.pick(["Allergic to peanuts — no nut catering.", "Vegetarian.", "Doesn't drink coffee; tea, green.", "Gluten-free."]);
    case 7:
      return `Speaks ${random.pick(LANGUAGES)} and ${random.pick(LANGUAGES)}.`;
    case 8:
      return `Sent proposal v${2 + random.int(5)}; waiting for feedback.`;
    case 9:
      return `Invoice #${random.digits("2###-####")} overdue since ${random.pick(MONTHS)}.`;
    case 10:
      return `Do not call before ${7 + random.int(4)}:${random.pick(["00", "30"])}.`;
    case 11:
      return `Time zone: UTC${random.pick(["−8", "−5", "±0", "+1", "+2", "+3", "+5:30", "+7", "+8", "+9", "+10"])}.`;
    case 12:
      return `Interested in ${random.pick(TOPICS)}. Budget approx. ${5 + random.int(200)}k ${random.pick(["EUR", "USD", "GBP", "PLN", "ISK", "JPY"])}.`;
    case 13:
      return `Former colleague from ${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}.`;
    case 14:
      return random.pick([
        "Loves cycling.",
        "Has two cats 🐈🐈.",
        "Runs marathons.",
        "Collects vinyl.",
        "Plays in a jazz band.",
        "New baby in spring!",
        "Back from parental leave.",
      ]);
    default:
      return `Asked for a demo on ${random.pick(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])}.`;
  }
}

function notesFor(random: SeedRandom, culture: Culture): string | null {
  if (random.chance(0.4)) return null;
  const count = 1 + random.int(3);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(sentence(random, culture));
  return parts.join(random.chance(0.25) ? "\n" : " ");
}

// ---------------------------------------------------------------- emails

const FOLD: Record<string, string> = {
  ł: "l",
  Ł: "L",
  ø: "o",
  Ø: "O",
  æ: "ae",
  Æ: "AE",
  ß: "ss",
  đ: "d",
  Đ: "D",
  ð: "d",
  Ð: "D",
  þ: "th",
  Þ: "Th",
  ı: "i",
  œ: "oe",
  Œ: "OE",
};

/** Latin letters without accents: 'Łukasz Ólafsdóttir' -> 'Lukasz Olafsdottir'. */
export function asciiFold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[łŁøØæÆßđĐðÐþÞıœŒ]/g, (c) => FOLD[c]!);
}

// Names and companies come from short lists, so each is folded once: folding
// is most of the cost of a contact otherwise.
function memo(fold: (text: string) => string): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let folded = cache.get(text);
    if (folded === undefined) cache.set(text, (folded = fold(text)));
    return folded;
  };
}

/** Letters only, lower case: what an email's local part is made of. */
const emailWord = memo((name) =>
  asciiFold(name)
    .toLowerCase()
    .replace(/[^a-z']+/g, "")
    .replace(/^'+|'+$/g, ""),
);

const slug = memo((text) =>
  asciiFold(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, ""),
);

// prettier-ignore
const PERSONAL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "post.example", "inbox.test", "fastpost.example", "kolibri.example", "mailbox.test"];
// prettier-ignore
const COMPANY_TLDS = ["example", "test", "example.com"];

/**
 * `first.last1234@domain`: the contact's number ends the local part, which is
 * otherwise letters, dots, apostrophes and underscores only. Two different
 * numbers can therefore never give the same address (see nextSeedIndex).
 */
function seedEmail(
  random: SeedRandom,
  index: number,
  first: string,
  last: string,
  company: string | null,
  suffixes: readonly string[],
): string {
  const f = emailWord(first) || "x";
  const l = emailWord(last) || "x";
  const local = random.pick([`${f}.${l}`, `${f}${l}`, `${f[0]}.${l}`, `${f}_${l}`, `${f}`, `${l}.${f}`, `${f}.${l}.`, `${f[0]}${l}`]);
  const domain =
    company && random.chance(0.55)
      ? `${slug(companyStem(company, suffixes)) || "company"}.${random.pick(COMPANY_TLDS)}`
      : random.pick(PERSONAL_DOMAINS);
  const email = `${local}${index}@${domain}`;
  // A few people type their address with capitals; the app folds them (email_key).
  return random.chance(0.03) ? email.replace(/^[a-z]|\.[a-z]/g, (c) => c.toUpperCase()) : email;
}

/** "Schneider & Koch GmbH" -> "Schneider": what a company's web domain would be named after. */
function companyStem(company: string, suffixes: readonly string[]): string {
  const suffix = suffixes.find((s) => company.endsWith(` ${s}`));
  const bare = suffix ? company.slice(0, -suffix.length - 1) : company;
  return bare.replace(/\s+&\s+.*$/, "");
}

const SEED_EMAIL = /^[^\d@]+(\d{1,9})@/;

/**
 * The first contact number that no address in `emailKeys` can collide with:
 * one more than the largest number a generated address could have ended in.
 * Addresses of any other shape cannot equal a generated one.
 */
export function nextSeedIndex(emailKeys: Iterable<string>): number {
  let max = 0;
  for (const key of emailKeys) {
    const match = SEED_EMAIL.exec(key);
    if (match) max = Math.max(max, Number(match[1]));
  }
  return max + 1;
}

/** The largest contact number a run may use (addresses carry at most 9 digits). */
export const MAX_SEED_INDEX = 999_999_999;

// ---------------------------------------------------------------- contacts

/** Contact number `index` (1, 2, …) for `seed` (from seedNumber). */
export function seedContact(seed: number, index: number): SeedContact {
  const random = randomFor(seed, index, 0);
  let culture = pickCulture(random);
  const native = culture.native !== undefined && random.chance(culture.native);
  const firstName = random.pick(culture.first);
  // Some families mix: a surname from elsewhere, written in Latin letters.
  if (!native && random.chance(0.12)) culture = pickCulture(random);
  const lastName = random.pick(culture.last);

  let first = written(firstName, native);
  let last = written(lastName, native);
  if (culture.twoSurnames && random.chance(culture.twoSurnames)) last += ` ${written(random.pick(culture.last), native)}`;
  if (!native && random.chance(0.1)) first += ` ${String.fromCharCode(65 + random.int(26))}.`;
  const familyFirst = culture.familyFirst === "always" || (culture.familyFirst === "native" && native);
  const name = familyFirst ? (culture.joined ? `${last}${first}` : `${last} ${first}`) : `${first} ${last}`;

  const company = companyFor(random, culture, native);
  const phone = random.chance(0.12) ? null : random.digits(random.pick(culture.phones));
  const notes = notesFor(random, culture);
  const email = seedEmail(random, index, latin(firstName), latin(lastName), company, culture.suffixes);
  return { name, email, company, phone, notes };
}

/**
 * When contact `position` (0-based) of `count` was created, between `from`
 * and `to` (epoch ms): evenly spread with jitter, never earlier than the one
 * before (each falls in its own slice of the span).
 */
export function seedCreatedAt(seed: number, position: number, count: number, from: number, to: number): number {
  const jitter = randomFor(seed, position, 1).next();
  const slice = (to - from) / Math.max(count, 1);
  return from + Math.floor((position + jitter) * slice);
}

// ---------------------------------------------------------------- labels and stars

/** The seeded account's labels: 20, as a real address book's. */
export const SEED_LABELS = [
  "Friends",
  "Work",
  "Family",
  "Clients",
  "Suppliers",
  "Neighbours",
  "School",
  "Book club",
  "Football",
  "Conference 2025",
  "Investors",
  "Recruiters",
  "Doctors",
  "Old colleagues",
  "Volunteers",
  "Choir",
  "Climbing",
  "Wedding guests",
  "Press",
  "Ölmez & Co",
] as const;

/**
 * The labels (indexes into SEED_LABELS) and the star of contact `index`:
 * label k is on about 30% / (k + 1) of the contacts (Friends 30%, Work 15%,
 * … Ölmez & Co 1.5%: a few big labels and a long tail), and 4% are starred.
 */
export function seedExtras(seed: number, index: number): { labels: number[]; starred: boolean } {
  const random = randomFor(seed, index, 1);
  const labels: number[] = [];
  for (let k = 0; k < SEED_LABELS.length; k++) if (random.chance(0.3 / (k + 1))) labels.push(k);
  return { labels, starred: random.chance(0.04) };
}
