export const metadata = { title: "Contact Manager" };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>
        <div className="min-h-screen bg-gray-50 py-8">
          <div className="max-w-6xl mx-auto px-4">{children}</div>
        </div>
      </body>
    </html>
  );
}
