import type { ReactElement } from 'react';
import { Navigate, Route } from 'react-router-dom';
import { AcquisitionPage, RoundPage } from './Acquisition.tsx';
import { CalendarPage } from './Calendar.tsx';
import { MobileRoutePage, MobileRoutesPage } from './Mobile.tsx';
import { CertificatePage, InternshipPage, InternshipsPage, TrainingPage, TrainingsPage } from './Training.tsx';

const pages: Array<[string, () => ReactElement]> = [
  ['/programs/acquisition', AcquisitionPage],
  ['/programs/acquisition/:id', RoundPage],
  ['/programs/mobile', MobileRoutesPage],
  ['/programs/mobile/:id', MobileRoutePage],
  ['/programs/internships', InternshipsPage],
  ['/programs/internships/:id', InternshipPage],
  ['/programs/trainings', TrainingsPage],
  ['/programs/trainings/:id', TrainingPage],
  ['/programs/trainings/:id/certificates/:pid', CertificatePage],
  ['/programs/calendar', CalendarPage],
];

/** The cooperation pages (staff only), spliced into the app's <Routes> as one fragment. */
export function CoopRoutes(signedIn: boolean) {
  return (
    <>
      {pages.map(([path, Page]) => (
        <Route key={path} path={path} element={signedIn ? <Page /> : <Navigate to="/login" replace />} />
      ))}
    </>
  );
}
