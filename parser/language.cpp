// detect_language: which template set to answer a customer in; see language.h.
//
// Counting scripts is enough for the languages we ship:
//  - kana (hiragana, katakana) appear in every Japanese sentence and almost
//    never in Chinese: a fair share of kana means Japanese;
//  - Han characters mean Chinese; which form is told by characters that
//    exist in only one of the two writing systems. The two tables below pair
//    frequent characters whose Traditional and Simplified forms differ
//    (這/这, 個/个, 們/们, ...). Each pair was checked to be encodable in Big5
//    and not GB2312 (Traditional) and the other way round (Simplified), so a
//    character used by both systems (后, 里, 台, 干...) is never counted;
//  - Latin letters mean English (the only Latin-script set we ship).
// When the forms tie (a short text, a name, characters both systems share),
// the declared charset decides: Big5 is Traditional, GB2312/GBK/GB18030 is
// Simplified; without a hint, Simplified (the larger share of our mail).
#include "parser/language.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ticketd {

namespace {

constexpr std::string_view kTraditionalOnly =
    "這個們說會時對問題謝請單號貨來為還進過開關樣從點現實務長東車買賣錢帳訂購處辦員嗎"
    "讓給邊經應該話聯頁碼郵認證發電腦見覺頭幫親愛歡專業產質報書數錯誤議論語讀寫學習試"
    "驗運輸達線護險統權顧門間際隨難風歷廣樓檢歸滿環當盡禮稱簡紀約級紙組結絕總編續聲職"
    "舊裝補觀計訊記設許詢詳調談識變負財責貴費資賬賠軟輕載轉選鄉醫釋鐘錄鍵閉閱雜靜項順"
    "須預領頻類顯飯館麥億檔戶換擊標樂灣廳態憑戲拋揮損搖攜條儲傳傷僅則剛動勞區協卻參吳"
    "啟喬嚴團園圖執塊壓夠奪媽孫寶將屆師帶幣庫歲療盤眾礎筆糧紅納純紹維緊練績罰義腳臉藝"
    "藥蘭術衛規視訪診誠課貼贈跡較辭遞遠鄰銷鋪鏈陳陽隊雖雙雞韓頓顏飛馬騙驟魚鳥麗黃齊龍";

constexpr std::string_view kSimplifiedOnly =
    "这个们说会时对问题谢请单号货来为还进过开关样从点现实务长东车买卖钱账订购处办员吗"
    "让给边经应该话联页码邮认证发电脑见觉头帮亲爱欢专业产质报书数错误议论语读写学习试"
    "验运输达线护险统权顾门间际随难风历广楼检归满环当尽礼称简纪约级纸组结绝总编续声职"
    "旧装补观计讯记设许询详调谈识变负财责贵费资账赔软轻载转选乡医释钟录键闭阅杂静项顺"
    "须预领频类显饭馆麦亿档户换击标乐湾厅态凭戏抛挥损摇携条储传伤仅则刚动劳区协却参吴"
    "启乔严团园图执块压够夺妈孙宝将届师带币库岁疗盘众础笔粮红纳纯绍维紧练绩罚义脚脸艺"
    "药兰术卫规视访诊诚课贴赠迹较辞递远邻销铺链陈阳队虽双鸡韩顿颜飞马骗骤鱼鸟丽黄齐龙";

// Language is clear long before this many characters; a 4 MB body is not
// walked to the end.
constexpr std::size_t kMaxCodePoints = 20000;

// Decodes the next code point of valid-or-not UTF-8; bad bytes give U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t* i) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || *i + static_cast<std::size_t>(n) > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
  for (int k = 1; k < n; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[*i + static_cast<std::size_t>(k)]);
    if ((cc & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  *i += static_cast<std::size_t>(n);
  return cp;
}

std::vector<char32_t> sorted_code_points(std::string_view utf8) {
  std::vector<char32_t> cps;
  for (std::size_t i = 0; i < utf8.size();) cps.push_back(next_code_point(utf8, &i));
  std::sort(cps.begin(), cps.end());
  return cps;
}

bool is_kana(char32_t cp) {
  return (cp >= 0x3041 && cp <= 0x309F) || (cp >= 0x30A1 && cp <= 0x30FA) || (cp >= 0x31F0 && cp <= 0x31FF) ||
         (cp >= 0xFF66 && cp <= 0xFF9D);
}

bool is_han(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x3134F);
}

bool is_latin_letter(char32_t cp) {
  return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != prefix[i]) return false;
  }
  return true;
}

// +1 for a charset that suggests Traditional, -1 Simplified, 0 neither.
int charset_leaning(std::string_view charset) {
  while (!charset.empty() && (charset.front() == ' ' || charset.front() == '"')) charset.remove_prefix(1);
  if (starts_with_ci(charset, "BIG5") || starts_with_ci(charset, "BIG-5") || starts_with_ci(charset, "X-BIG5") ||
      starts_with_ci(charset, "CP950") || starts_with_ci(charset, "EUC-TW")) {
    return 1;
  }
  if (starts_with_ci(charset, "GB") || starts_with_ci(charset, "X-GBK") || starts_with_ci(charset, "CP936") ||
      starts_with_ci(charset, "EUC-CN") || starts_with_ci(charset, "HZ")) {
    return -1;
  }
  return 0;
}

}  // namespace

std::string detect_language(std::string_view utf8_text, std::string_view charset_hint) {
  // Built once, read-only after (C++11 guarantees thread-safe initialisation).
  static const std::vector<char32_t> traditional = sorted_code_points(kTraditionalOnly);
  static const std::vector<char32_t> simplified = sorted_code_points(kSimplifiedOnly);

  std::size_t kana = 0, han = 0, latin = 0, trad = 0, simp = 0;
  std::size_t seen = 0;
  for (std::size_t i = 0; i < utf8_text.size() && seen < kMaxCodePoints; ++seen) {
    char32_t cp = next_code_point(utf8_text, &i);
    if (is_kana(cp)) {
      ++kana;
    } else if (is_han(cp)) {
      ++han;
      if (std::binary_search(traditional.begin(), traditional.end(), cp)) ++trad;
      if (std::binary_search(simplified.begin(), simplified.end(), cp)) ++simp;
    } else if (is_latin_letter(cp)) {
      ++latin;
    }
  }

  // Japanese: kana are a large share of any Japanese sentence (particles,
  // verb endings); a stray "の" in a Chinese shop name is not enough.
  if (kana >= 2 && kana * 5 >= han) return "ja";
  // Chinese when Han characters carry a fair share of the text: an English
  // word is about five letters, a Chinese word one or two characters.
  if (han >= 1 && han * 4 >= latin / 2) {
    if (trad > simp) return "zh-TW";
    if (simp > trad) return "zh-CN";
    return charset_leaning(charset_hint) > 0 ? "zh-TW" : "zh-CN";
  }
  if (kana >= 1 && kana * 4 >= latin) return "ja";
  if (latin >= 2) return "en";
  return "";
}

}  // namespace ticketd
