// The bundled sample photos (public/samples/, credits in public/samples/CREDITS.md).
export interface Sample {
  id: string;
  file: string;
  title: string;
  width: number;
  height: number;
  credit: string;
}

export const SAMPLES: readonly Sample[] = [
  { id: 'dandelions', file: 'dandelions.jpg', title: 'Dandelions', width: 768, height: 512, credit: 'Clemens Engelhardt · CC0' },
  { id: 'coffee', file: 'coffee.png', title: 'Coffee', width: 600, height: 400, credit: 'Rachel Michetti · CC0' },
  { id: 'chelsea', file: 'chelsea.png', title: 'Chelsea the cat', width: 451, height: 300, credit: 'Stefan van der Walt · CC0' },
  { id: 'astronaut', file: 'astronaut.jpg', title: 'Astronaut', width: 512, height: 512, credit: 'NASA · public domain' },
  { id: 'rocket', file: 'rocket.jpg', title: 'Rocket launch', width: 640, height: 427, credit: 'SpaceX · public domain' },
];

export function sampleUrl(s: Sample): string {
  return `${import.meta.env.BASE_URL}samples/${s.file}`;
}
