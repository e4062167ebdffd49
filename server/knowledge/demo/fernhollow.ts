/**
 * The demo knowledge base: Fernhollow Gear, an invented maker of connected outdoor equipment.
 * Every name, policy and figure here is fictional (the domain is a reserved .example name).
 */

export type DemoPair = {
  product: string;
  tags: string[];
  question: string;
  variants: string[];
  answer: string;
};

export const demoCompany = {
  name: "Fernhollow Gear",
  website: "fernhollow.example",
  supportEmail: "support@fernhollow.example",
  products: [
    "Fernhollow Store",
    "Emberline Camp Stove",
    "Driftlight Lantern",
    "Ridgeback 2 Tent",
    "Trailpulse GPS Watch",
    "Fernhollow Trails App",
    "Canopy Solar Panel",
  ],
};

const store = "Fernhollow Store";
const stove = "Emberline Camp Stove";
const lantern = "Driftlight Lantern";
const tent = "Ridgeback 2 Tent";
const watch = "Trailpulse GPS Watch";
const app = "Fernhollow Trails App";
const solar = "Canopy Solar Panel";

export const demoPairs: DemoPair[] = [
  // ---- Orders, shipping, returns, accounts and billing (the store) ----
  {
    product: store,
    tags: ["orders", "shipping"],
    question: "Where is my order?",
    variants: ["How can I track my package?", "track my order", "Has my order shipped yet?"],
    answer:
      "When your order ships we email you a tracking link. You can also see its status any time under Account > Orders on fernhollow.example.",
  },
  {
    product: store,
    tags: ["shipping"],
    question: "How long does shipping take?",
    variants: ["When will my order arrive?", "delivery time", "How many days is standard shipping?"],
    answer:
      "Standard shipping takes 3–5 business days and express takes 1–2 business days. Orders placed before 2 pm Eastern Time ship the same business day.",
  },
  {
    product: store,
    tags: ["shipping", "billing"],
    question: "How much does shipping cost?",
    variants: ["Is shipping free?", "free shipping threshold", "What do you charge for express delivery?"],
    answer:
      "Standard shipping is free on orders over $75 and $6 below that. Express shipping costs $14 on any order.",
  },
  {
    product: store,
    tags: ["shipping"],
    question: "Which countries do you ship to?",
    variants: ["Do you ship internationally?", "Can I order from Europe?", "Do you deliver to Canada?"],
    answer:
      "We ship to the United States, Canada, the United Kingdom, Norway and every EU country. Orders to the EU and UK include duties; Canadian orders may be charged duties on delivery.",
  },
  {
    product: store,
    tags: ["orders"],
    question: "Can I change or cancel my order?",
    variants: [
      "I want to cancel my order",
      "How do I change the address on my order?",
      "edit order after checkout",
    ],
    answer:
      "You can change or cancel an order yourself within one hour of placing it under Account > Orders. After that, contact support and we will try to catch it before it ships; once shipped, you can return it instead.",
  },
  {
    product: store,
    tags: ["returns"],
    question: "What is your return policy?",
    variants: ["Can I return something?", "How many days do I have to return an item?", "return window"],
    answer:
      "You can return unused or lightly used gear within 45 days of delivery for a full refund. Start a return at fernhollow.example/returns and we will email you a free return label.",
  },
  {
    product: store,
    tags: ["returns", "billing"],
    question: "When will I get my refund?",
    variants: ["How long do refunds take?", "I returned my item but haven't been refunded", "refund status"],
    answer:
      "We refund to your original payment method within 5–7 business days after your return reaches our warehouse. You will get an email as soon as the refund is issued.",
  },
  {
    product: store,
    tags: ["returns"],
    question: "Can I exchange an item for a different one?",
    variants: [
      "How do I swap for another color?",
      "exchange instead of refund",
      "Can I trade my tent for the bigger one?",
    ],
    answer:
      "We don't do direct exchanges. Return the item for a refund at fernhollow.example/returns and place a new order for the one you want, so it ships right away.",
  },
  {
    product: store,
    tags: ["orders", "warranty"],
    question: "My order arrived damaged. What should I do?",
    variants: [
      "The box was crushed and the product is broken",
      "item arrived broken",
      "received a damaged product",
    ],
    answer:
      "Sorry about that! Send a photo of the damage and your order number to support@fernhollow.example within 14 days of delivery and we will ship a free replacement.",
  },
  {
    product: store,
    tags: ["orders"],
    question: "An item is missing from my order.",
    variants: [
      "My package is missing a product",
      "I only got part of my order",
      "something is missing from the box",
    ],
    answer:
      "Large orders sometimes ship in more than one box, so first check your email for a second tracking link. If nothing else is on the way, contact support with your order number and we will send the missing item.",
  },
  {
    product: store,
    tags: ["billing"],
    question: "Which payment methods do you accept?",
    variants: ["Can I pay with PayPal?", "Do you take Apple Pay?", "payment options"],
    answer: "We accept Visa, Mastercard, American Express, PayPal, Apple Pay and Fernhollow gift cards.",
  },
  {
    product: store,
    tags: ["billing"],
    question: "Why isn't my discount code working?",
    variants: ["promo code not accepted", "My coupon code says invalid", "Can I use two discount codes?"],
    answer:
      "Only one discount code can be used per order, and codes don't apply to items already on sale. Check the code's expiry date in the email you received; if it still fails, contact support and we will help.",
  },
  {
    product: store,
    tags: ["billing"],
    question: "Do you offer price matching?",
    variants: ["Will you match a lower price?", "The price dropped after I bought it", "price adjustment"],
    answer:
      "We don't match other stores' prices. If we lower the price of something you bought from us within 30 days of your order, contact support and we will refund the difference.",
  },
  {
    product: store,
    tags: ["billing"],
    question: "Do gift cards expire?",
    variants: ["How long is a gift card valid?", "gift card expiry", "Can I use my old gift card?"],
    answer:
      "Fernhollow gift cards never expire. Enter the code at checkout; any remaining balance stays on the card for next time.",
  },
  {
    product: store,
    tags: ["billing"],
    question: "Do you have a student discount?",
    variants: ["student discount", "Is there a discount for students?", "discount for outdoor clubs"],
    answer:
      "Students get 15% off full-price gear after a quick verification at fernhollow.example/students. Outdoor clubs can email support about group pricing.",
  },
  {
    product: store,
    tags: ["billing", "orders"],
    question: "How do I get an invoice for my order?",
    variants: ["I need a VAT receipt", "download invoice", "Where can I find my receipt?"],
    answer:
      "Open Account > Orders, choose the order and click Download invoice. The PDF includes VAT where it applies.",
  },
  {
    product: store,
    tags: ["account"],
    question: "How do I reset my password?",
    variants: ["I forgot my password", "can't log in to my account", "reset account password"],
    answer:
      "Click Forgot password on the sign-in page and enter your email address. We will send a reset link that works for 30 minutes.",
  },
  {
    product: store,
    tags: ["account"],
    question: "How do I change the email address on my account?",
    variants: ["update my email", "change account email", "I have a new email address"],
    answer:
      "Go to Account > Profile, enter the new address and confirm it with the link we send there. Your orders and subscriptions move with your account.",
  },
  {
    product: store,
    tags: ["account"],
    question: "How do I delete my account?",
    variants: ["close my Fernhollow account", "delete my data", "remove my account permanently"],
    answer:
      "Go to Account > Privacy and choose Delete account. We erase your personal data within 30 days, except order records we must keep for tax purposes.",
  },
  {
    product: store,
    tags: ["account"],
    question: "How do I turn on two-factor authentication?",
    variants: ["enable 2FA", "Can I secure my account with an authenticator app?", "two-step verification"],
    answer:
      "Go to Account > Security, choose Two-factor authentication and scan the QR code with any authenticator app. Save the backup codes we show you somewhere safe.",
  },
  {
    product: store,
    tags: ["support"],
    question: "How can I contact customer support?",
    variants: ["What are your support hours?", "talk to a human", "support phone number"],
    answer:
      "Email support@fernhollow.example any time, or chat with us from 8 am to 8 pm Eastern Time on weekdays. We answer emails within one business day.",
  },
  {
    product: store,
    tags: ["warranty"],
    question: "How do I make a warranty claim?",
    variants: [
      "My product stopped working, is it under warranty?",
      "warranty claim process",
      "file a warranty request",
    ],
    answer:
      "Email support@fernhollow.example with your order number, a short description and a photo or video of the problem. If the product is covered, we repair or replace it at no cost, including shipping.",
  },
  {
    product: store,
    tags: ["warranty"],
    question: "Do I need my receipt for a warranty claim?",
    variants: [
      "I lost my receipt, can I still claim warranty?",
      "warranty without proof of purchase",
      "bought it as a gift, warranty?",
    ],
    answer:
      "If you bought from fernhollow.example we can find the order from your email address. For gifts or retailer purchases, any proof of purchase works, such as a photo of the receipt.",
  },
  {
    product: store,
    tags: ["orders"],
    question: "Do you have physical stores?",
    variants: [
      "Can I see the products in person?",
      "retail locations",
      "Where can I buy Fernhollow gear in a shop?",
    ],
    answer:
      "We sell online at fernhollow.example and through selected outdoor retailers. The store locator on our website lists retailers near you.",
  },

  // ---- Emberline Camp Stove ----
  {
    product: stove,
    tags: ["product-info"],
    question: "What fuel does the Emberline stove use?",
    variants: [
      "Which gas canister fits the Emberline?",
      "Emberline fuel type",
      "Can I use any camping gas with the Emberline?",
    ],
    answer:
      "The Emberline burns isobutane-propane canisters with a standard EN 417 screw thread, in 100 g, 230 g or 450 g sizes. Liquid fuels and butane-only cartridges don't fit.",
  },
  {
    product: stove,
    tags: ["troubleshooting"],
    question: "My Emberline stove won't light.",
    variants: ["Emberline igniter not working", "stove clicks but doesn't ignite", "Emberline won't start"],
    answer:
      "Check that the canister is screwed in fully and not empty, open the valve a quarter turn and hold the ignition button for 3 seconds. If it still won't light, wipe the igniter tip with a dry cloth and make sure the built-in battery is charged.",
  },
  {
    product: stove,
    tags: ["setup"],
    question: "How do I connect the Emberline stove to the app?",
    variants: ["pair Emberline with my phone", "Emberline Bluetooth setup", "app can't find my stove"],
    answer:
      "Turn on Bluetooth, open the Fernhollow Trails app and tap Devices > Add device, then press the stove's Bluetooth button until the ring blinks blue. Keep the phone within 3 meters while pairing.",
  },
  {
    product: stove,
    tags: ["product-info"],
    question: "How fast does the Emberline boil water?",
    variants: ["Emberline boil time", "How long to boil a liter on the Emberline?", "Is the Emberline fast?"],
    answer:
      "It boils 1 liter of water in about 3.5 minutes at sea level with a full canister. Wind, cold and altitude make it a little slower; the included windscreen helps.",
  },
  {
    product: stove,
    tags: ["product-info"],
    question: "How does the Emberline know how much fuel is left?",
    variants: ["Emberline fuel gauge", "How accurate is the fuel estimate?", "stove shows wrong fuel level"],
    answer:
      "A scale in the base weighs the canister and the app turns that into minutes of burn time left. Tell the app the canister size when you attach a new one so the estimate stays accurate.",
  },
  {
    product: stove,
    tags: ["product-info", "setup"],
    question: "How do I charge the Emberline's battery?",
    variants: [
      "Emberline USB-C charging",
      "How long does the stove battery last?",
      "Does the Emberline need batteries?",
    ],
    answer:
      "Charge it with any USB-C cable; a full charge takes about 2 hours. The battery only powers the igniter, scale and Bluetooth and lasts around 40 hours of cooking.",
  },
  {
    product: stove,
    tags: ["safety"],
    question: "Can I use the Emberline inside my tent?",
    variants: ["cooking in the tent vestibule", "Is the stove safe indoors?", "use Emberline inside a cabin"],
    answer:
      "No. Never use the Emberline inside a tent, vestibule, vehicle or any closed space: it produces carbon monoxide and is a fire risk. Cook outdoors with at least 1 meter of clearance.",
  },
  {
    product: stove,
    tags: ["troubleshooting"],
    question: "Does the Emberline work in cold weather or at high altitude?",
    variants: ["Emberline winter camping", "stove weak flame in the cold", "Emberline at altitude"],
    answer:
      "It works up to 4,000 m. Below about -5 °C standard canisters lose pressure, so use a winter-blend canister and keep it warm in your jacket before cooking.",
  },
  {
    product: stove,
    tags: ["warranty"],
    question: "What is the warranty on the Emberline stove?",
    variants: ["Emberline warranty", "How long is the stove covered?", "stove guarantee"],
    answer:
      "The Emberline has a 2-year warranty covering defects in materials and workmanship, including the electronics. Damage from dropping or from non-standard fuel isn't covered.",
  },
  {
    product: stove,
    tags: ["troubleshooting"],
    question: "The Emberline flame is yellow and sooty.",
    variants: ["yellow flame on my stove", "Emberline making soot", "stove flame looks wrong"],
    answer:
      "A yellow flame usually means the burner ports are blocked or the canister is nearly empty or cold. Let the stove cool, brush the burner head with a soft brush and try a fresh canister; a healthy flame is blue.",
  },
  {
    product: stove,
    tags: ["product-info"],
    question: "How much does the Emberline weigh?",
    variants: ["Emberline weight", "Is the Emberline good for backpacking?", "how heavy is the camp stove"],
    answer:
      "The Emberline weighs 420 g without fuel and packs into its own 1-liter pot. That makes it a good fit for backpacking trips for one or two people.",
  },

  // ---- Driftlight Lantern ----
  {
    product: lantern,
    tags: ["product-info"],
    question: "How long does the Driftlight battery last?",
    variants: ["Driftlight runtime", "How many hours does the lantern run?", "lantern battery life"],
    answer:
      "The Driftlight runs about 8 hours at its full 600 lumens and up to 120 hours on the lowest setting. Warm and red modes use less power than daylight mode.",
  },
  {
    product: lantern,
    tags: ["setup"],
    question: "How do I charge the Driftlight lantern?",
    variants: ["Driftlight charging time", "charge my lantern", "Which cable does the lantern use?"],
    answer:
      "Plug it into any USB-C charger; a full charge takes about 4 hours and the ring glows green when it's done. It can also be charged from the Canopy solar panel.",
  },
  {
    product: lantern,
    tags: ["product-info"],
    question: "Can the Driftlight charge my phone?",
    variants: ["use the lantern as a power bank", "Driftlight USB output", "charge devices from the lantern"],
    answer:
      "Yes. Its 10,000 mAh battery can charge a phone through the USB-A port on the base, about two full phone charges. The lantern stops charging other devices when its own battery drops to 10%.",
  },
  {
    product: lantern,
    tags: ["product-info"],
    question: "Is the Driftlight waterproof?",
    variants: ["Can the lantern get wet?", "Driftlight rain", "lantern water resistance"],
    answer:
      "The Driftlight is rated IPX6, so heavy rain and splashes are fine. It isn't made to be submerged; if it falls in water, dry it before charging.",
  },
  {
    product: lantern,
    tags: ["setup"],
    question: "How do I pair the Driftlight with the app?",
    variants: [
      "connect Driftlight to Bluetooth",
      "lantern not showing in the app",
      "Driftlight pairing mode",
    ],
    answer:
      "Hold the mode button for 5 seconds until the ring blinks blue, then tap Devices > Add device in the Fernhollow Trails app. The lantern stays in pairing mode for 2 minutes.",
  },
  {
    product: lantern,
    tags: ["product-info"],
    question: "What light modes does the Driftlight have?",
    variants: ["Driftlight red light", "lantern modes", "Does the lantern have an SOS mode?"],
    answer:
      "It has warm white, daylight white and red night modes, each dimmable, plus an SOS flash. Press the mode button to cycle through them or pick one in the app.",
  },
  {
    product: lantern,
    tags: ["product-info", "setup"],
    question: "Can I link several Driftlight lanterns together?",
    variants: ["Driftlight group mode", "control multiple lanterns", "sync lanterns at camp"],
    answer:
      "Yes. In the app, choose Devices > New group and add up to 8 lanterns; they then turn on, dim and change mode together.",
  },
  {
    product: lantern,
    tags: ["troubleshooting"],
    question: "My Driftlight won't turn on.",
    variants: ["lantern dead", "Driftlight not responding", "lantern won't switch on after storage"],
    answer:
      "Charge it for at least 30 minutes, since a fully drained battery needs a moment before the lantern responds. If it still won't turn on, reset it by holding the power and mode buttons together for 10 seconds.",
  },
  {
    product: lantern,
    tags: ["warranty"],
    question: "What warranty does the Driftlight have?",
    variants: ["Driftlight warranty", "lantern guarantee", "Is the lantern battery covered by warranty?"],
    answer:
      "The Driftlight has a 2-year warranty, including the battery. We replace it if the battery holds less than 70% of its original capacity within that time.",
  },
  {
    product: lantern,
    tags: ["product-info"],
    question: "Can I hang the Driftlight in my tent?",
    variants: ["Driftlight hook", "hang lantern from tent ceiling", "lantern mounting"],
    answer:
      "Yes. The fold-out hook on top fits tent loops and branches, and the base has a magnet for metal surfaces. It weighs 380 g, light enough for any tent's gear loop.",
  },

  // ---- Ridgeback 2 Tent ----
  {
    product: tent,
    tags: ["product-info"],
    question: "Is the Ridgeback 2 tent waterproof?",
    variants: [
      "Will the Ridgeback leak in heavy rain?",
      "Ridgeback waterproof rating",
      "tent hydrostatic head",
    ],
    answer:
      "Yes. The fly has a 3,000 mm hydrostatic head and the floor 5,000 mm, and all seams are factory taped. Pitch the fly taut so water runs off rather than pooling.",
  },
  {
    product: tent,
    tags: ["setup"],
    question: "How do I pitch the Ridgeback 2?",
    variants: ["Ridgeback setup instructions", "how to put up the tent", "tent assembly"],
    answer:
      "Lay out the inner tent, clip it to the single color-coded pole hub, then throw the fly over and buckle it at each corner. Stake out the corners and guylines; it takes about 5 minutes.",
  },
  {
    product: tent,
    tags: ["product-info"],
    question: "How much does the Ridgeback 2 weigh?",
    variants: ["Ridgeback weight", "Is the Ridgeback ultralight?", "packed weight of the tent"],
    answer: "Trail weight is 1.6 kg (tent, fly and poles) and packed weight with stakes and bags is 1.85 kg.",
  },
  {
    product: tent,
    tags: ["product-info"],
    question: "Is the Ridgeback 2 a four-season tent?",
    variants: ["Can I use the Ridgeback in winter?", "Ridgeback snow", "tent for winter camping"],
    answer:
      "No, it's a 3-season tent for spring, summer and autumn. It handles wind and rain well but isn't designed for heavy snow loads.",
  },
  {
    product: tent,
    tags: ["setup"],
    question: "Can I pitch the Ridgeback fly first in the rain?",
    variants: ["fly-first pitch", "set up the tent without the inner", "Ridgeback footprint pitch"],
    answer:
      "Yes, with the Ridgeback footprint (sold separately): clip the poles to the footprint, add the fly, then hang the inner underneath once you're out of the rain.",
  },
  {
    product: tent,
    tags: ["troubleshooting", "warranty"],
    question: "I broke a tent pole. What now?",
    variants: ["Ridgeback pole snapped", "tent pole repair", "replacement pole section"],
    answer:
      "Slide the included repair sleeve over the break and tape it to get through the trip. Then email support: the poles have a lifetime warranty and we send a replacement section for free.",
  },
  {
    product: tent,
    tags: ["product-info"],
    question: "How do I clean and store the Ridgeback 2?",
    variants: ["wash my tent", "tent smells musty", "Ridgeback care instructions"],
    answer:
      "Hand wash it with mild soap and cool water; never use a washing machine or detergent. Dry it completely before storing it loosely in a cool place, so mold can't form.",
  },
  {
    product: tent,
    tags: ["warranty"],
    question: "What is the warranty on the Ridgeback 2?",
    variants: ["tent warranty", "Ridgeback guarantee", "Is tent fabric damage covered?"],
    answer:
      "The fabric and zippers have a 5-year warranty and the poles a lifetime warranty against defects. Wear, UV damage and accidental tears aren't covered, but we offer low-cost repairs.",
  },
  {
    product: tent,
    tags: ["troubleshooting"],
    question: "There is condensation inside my Ridgeback tent.",
    variants: [
      "tent wet inside in the morning",
      "Is my tent leaking or is it condensation?",
      "Ridgeback damp inside",
    ],
    answer:
      "That's usually condensation from your breath, not a leak. Open both vents at the top of the fly, keep a door partly open and pitch away from lakes and dips where cold, damp air collects.",
  },
  {
    product: tent,
    tags: ["product-info"],
    question: "How big is the Ridgeback 2 inside?",
    variants: ["Ridgeback dimensions", "Will two people fit in the Ridgeback?", "tent floor size"],
    answer:
      "The floor is 215 × 130 cm with 105 cm of peak height, and each of the two doors has its own vestibule for packs and boots. Two adults with standard sleeping pads fit side by side.",
  },

  // ---- Trailpulse GPS Watch ----
  {
    product: watch,
    tags: ["product-info"],
    question: "How long does the Trailpulse battery last?",
    variants: ["Trailpulse battery life", "How many days between charges?", "watch battery with GPS on"],
    answer:
      "Up to 14 days as a smartwatch, 30 hours with GPS tracking and 60 hours in Expedition mode, which records your position every minute instead of every second.",
  },
  {
    product: watch,
    tags: ["setup"],
    question: "How do I charge the Trailpulse watch?",
    variants: ["Trailpulse charger", "watch charging time", "my watch charging cable"],
    answer:
      "Snap the magnetic clip onto the back of the watch and plug it into any USB port; a full charge takes about 2 hours. Dry the contacts first if the watch is wet.",
  },
  {
    product: watch,
    tags: ["product-info"],
    question: "Can I swim with the Trailpulse?",
    variants: ["Is the Trailpulse waterproof?", "watch water rating", "wear watch in the shower"],
    answer:
      "Yes, it's rated 5 ATM, so swimming and showers are fine. Don't use it for diving or in hot tubs and saunas.",
  },
  {
    product: watch,
    tags: ["setup"],
    question: "How do I download offline maps to the Trailpulse?",
    variants: ["offline maps on my watch", "put maps on the Trailpulse", "watch maps without signal"],
    answer:
      "In the Fernhollow Trails app, open Devices > Trailpulse > Maps, select a region and tap Download while the watch is charging nearby. Basic maps are free; topographic maps need Trails Plus.",
  },
  {
    product: watch,
    tags: ["setup"],
    question: "How do I pair the Trailpulse with my phone?",
    variants: [
      "connect watch to phone",
      "Trailpulse Bluetooth pairing",
      "Which phones work with the Trailpulse?",
    ],
    answer:
      "Open the Fernhollow Trails app, tap Devices > Add device and follow the code shown on the watch. It works with iPhones on iOS 16 or newer and Android 10 or newer.",
  },
  {
    product: watch,
    tags: ["troubleshooting"],
    question: "My Trailpulse won't sync with the app.",
    variants: ["watch not syncing", "hikes not showing in the app", "Trailpulse sync failed"],
    answer:
      "Make sure Bluetooth and location access are allowed for the app, then pull down on the Devices screen to sync again. If it still fails, restart the watch by holding the top button for 10 seconds.",
  },
  {
    product: watch,
    tags: ["setup"],
    question: "How do I update the Trailpulse firmware?",
    variants: ["watch software update", "new firmware for my watch", "update Trailpulse"],
    answer:
      "In the app go to Devices > Trailpulse > Update and keep the watch on its charger near your phone. The update takes about 10 minutes and the watch restarts when it's done.",
  },
  {
    product: watch,
    tags: ["troubleshooting"],
    question: "The Trailpulse compass points the wrong way.",
    variants: ["calibrate the compass", "watch heading is off", "Trailpulse compass inaccurate"],
    answer:
      "Calibrate it under Settings > Sensors > Compass and move your wrist in a slow figure eight until the watch confirms. Keep it away from magnets and metal while calibrating.",
  },
  {
    product: watch,
    tags: ["troubleshooting"],
    question: "How do I factory reset the Trailpulse?",
    variants: ["reset my watch", "Trailpulse frozen", "erase the watch before selling it"],
    answer:
      "Hold the top and bottom buttons together for 15 seconds, then choose Factory reset. This erases activities and maps on the watch, so sync it with the app first.",
  },
  {
    product: watch,
    tags: ["product-info"],
    question: "Does the Trailpulse show altitude and weather?",
    variants: ["Trailpulse altimeter", "storm warning on the watch", "barometer on Trailpulse"],
    answer:
      "Yes. Its barometric altimeter shows altitude and total ascent, and a storm alert vibrates when air pressure drops quickly.",
  },
  {
    product: watch,
    tags: ["warranty"],
    question: "What warranty does the Trailpulse have?",
    variants: ["watch warranty", "Trailpulse screen cracked, warranty?", "Is the watch strap covered?"],
    answer:
      "The Trailpulse has a 2-year warranty on defects, including the battery. Cracked screens and worn straps aren't covered, but replacement straps are sold in our store.",
  },
  {
    product: watch,
    tags: ["product-info"],
    question: "Can I share my live location from the Trailpulse?",
    variants: ["live tracking for my family", "share my hike location", "Trailpulse safety tracking"],
    answer:
      "Yes, with Trails Plus: start Live Share in the app before you head out and your contacts get a link to follow your position. The watch needs its phone nearby with a data signal to send updates.",
  },

  // ---- Fernhollow Trails App and Trails Plus ----
  {
    product: app,
    tags: ["billing"],
    question: "How much does Trails Plus cost?",
    variants: ["Trails Plus price", "subscription cost", "Is the Fernhollow app free?"],
    answer:
      "The Fernhollow Trails app is free. Trails Plus costs $4.99 a month or $39 a year and starts with a 14-day free trial.",
  },
  {
    product: app,
    tags: ["product-info", "billing"],
    question: "What do I get with Trails Plus?",
    variants: ["Trails Plus features", "Is Trails Plus worth it?", "difference between free and Plus"],
    answer:
      "Trails Plus adds topographic and offline maps, live location sharing and weather overlays. Device control, hike recording and basic maps stay free.",
  },
  {
    product: app,
    tags: ["billing"],
    question: "How do I cancel Trails Plus?",
    variants: ["cancel my subscription", "stop Trails Plus renewal", "unsubscribe from Trails Plus"],
    answer:
      "Cancel where you subscribed: in your Apple ID subscriptions on iPhone, in Google Play on Android, or under Account > Subscription on fernhollow.example. You keep Plus until the end of the paid period.",
  },
  {
    product: app,
    tags: ["billing"],
    question: "Can I get a refund for Trails Plus?",
    variants: ["refund my yearly subscription", "charged for Trails Plus by mistake", "subscription refund"],
    answer:
      "Yearly plans bought on fernhollow.example can be refunded in full within 14 days of the charge; contact support. App Store and Google Play purchases are refunded through Apple or Google.",
  },
  {
    product: app,
    tags: ["billing"],
    question: "Is there a family plan for Trails Plus?",
    variants: ["share Trails Plus with family", "Trails Plus Family", "subscription for several people"],
    answer:
      "Yes. Trails Plus Family costs $59 a year and covers up to 5 people, each with their own account.",
  },
  {
    product: app,
    tags: ["troubleshooting"],
    question: "The Fernhollow Trails app keeps crashing.",
    variants: ["app closes on its own", "Trails app crash", "app freezes when opening maps"],
    answer:
      "Update the app to the latest version and restart your phone. If it keeps crashing, go to Settings > Help > Send report in the app so we get the details.",
  },
  {
    product: app,
    tags: ["product-info"],
    question: "Can I export my hikes as GPX?",
    variants: ["export GPX file", "move my hikes to another app", "download my track"],
    answer:
      "Yes. Open any recorded hike, tap Share and choose GPX file. You can also export all your hikes at once under Account > Privacy > Export data.",
  },
  {
    product: app,
    tags: ["setup"],
    question: "Which phones does the Fernhollow Trails app support?",
    variants: ["app requirements", "Does the app work on my Android?", "Trails app iPhone version"],
    answer:
      "The app runs on iPhones with iOS 16 or newer and Android phones with Android 10 or newer. You can also plan routes on a computer at fernhollow.example/trails.",
  },
  {
    product: app,
    tags: ["account", "troubleshooting"],
    question: "My devices disappeared from the app.",
    variants: ["app lost my lantern and stove", "devices missing after reinstall", "device list empty"],
    answer:
      "Devices are tied to your account, so make sure you're signed in with the same email as before. If they're still missing, add them again under Devices > Add device; your settings come back after syncing.",
  },

  // ---- Canopy Solar Panel ----
  {
    product: solar,
    tags: ["product-info"],
    question: "What can I charge with the Canopy solar panel?",
    variants: ["Canopy panel outputs", "Can the solar panel charge my phone?", "solar panel ports"],
    answer:
      "The 28 W Canopy panel has two USB-A ports and one 20 W USB-C port, so it charges phones, the Driftlight lantern, the Trailpulse watch and power banks. It can't power devices that need a 12 V plug.",
  },
  {
    product: solar,
    tags: ["product-info"],
    question: "How long does the Canopy panel take to charge a Driftlight?",
    variants: ["solar charging time", "charge lantern with solar", "how fast is the Canopy panel"],
    answer:
      "In full sun it charges a Driftlight lantern in about 5 hours. Clouds, shade and a low sun angle make it slower.",
  },
  {
    product: solar,
    tags: ["troubleshooting"],
    question: "Does the Canopy panel work on cloudy days?",
    variants: ["solar panel in cloudy weather", "Canopy charging slowly", "panel stops charging"],
    answer:
      "It still charges, but output drops by 50–80% under clouds. The panel restarts charging automatically when a cloud passes, so you don't need to replug your device.",
  },
  {
    product: solar,
    tags: ["product-info"],
    question: "Is the Canopy solar panel waterproof?",
    variants: ["Can the solar panel get wet?", "Canopy rain", "leave the solar panel outside overnight"],
    answer:
      "It's rated IPX4, so light rain and splashes are fine, but keep the port pocket closed and dry. Bring it inside or under the vestibule during heavy rain.",
  },
  {
    product: solar,
    tags: ["setup"],
    question: "How should I position the Canopy panel?",
    variants: [
      "best angle for the solar panel",
      "attach the solar panel to my backpack",
      "where to put the Canopy panel",
    ],
    answer:
      "Face it straight at the sun and avoid partial shade, which cuts output sharply. Use the corner loops to hang it on a backpack or tent, and keep the device you're charging in the shade.",
  },
  {
    product: solar,
    tags: ["warranty"],
    question: "What warranty does the Canopy solar panel have?",
    variants: ["solar panel warranty", "Canopy guarantee", "panel output dropped, warranty?"],
    answer:
      "The Canopy panel has a 2-year warranty covering defects and output below 80% of its rating. Cuts or cracks in the cells from misuse aren't covered.",
  },
];
